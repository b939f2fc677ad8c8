/// The alerts panel: how many keys alert now per level, then the newest alerts, one per row:
/// time, level (red critical, yellow warning, green resolved), rule, key and count/threshold.
enum AlertsPanelView {
    static func draw(_ model: DashboardModel, theme: Theme, in rect: Rect, into buffer: inout CellBuffer) {
        guard !rect.isEmpty else { return }
        let open = model.alerts.open
        let critical = open[.critical, default: 0]
        let warning = open[.warning, default: 0]
        let title = "Alerts  \(critical) critical, \(warning) warning open"
        buffer.put(DisplayWidth.truncate(title, to: rect.width), row: rect.row, column: rect.column,
                   style: critical > 0 ? .color(.red, bold: true) : .bold, limit: rect.width)
        for (index, entry) in model.alerts.entries.prefix(rect.height - 1).enumerated() {
            let row = rect.row + 1 + index
            var column = rect.column
            let end = rect.column + rect.width
            column += buffer.put(Format.clock(entry.receivedAt, offsetSeconds: theme.utcOffsetSeconds) + " ",
                                 row: row, column: column, style: .dim, limit: end - column)
            let (label, style): (String, CellStyle) =
                entry.resolved
                ? ("resolved", .color(.green))
                : entry.level == .critical ? ("CRITICAL", .color(.red, bold: true)) : ("warning", .color(.yellow))
            column += buffer.put(DisplayWidth.fit(label, to: 8) + " ", row: row, column: column, style: style, limit: end - column)
            let detail = "\(entry.rule)  \(entry.key)  \(entry.count)/\(entry.threshold)"
            if end - column > 0 {
                buffer.put(DisplayWidth.truncate(detail, to: end - column), row: row, column: column, limit: end - column)
            }
        }
    }
}
