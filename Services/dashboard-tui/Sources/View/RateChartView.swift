/// Events per second of each type over the last minutes, one sparkline (or a taller column
/// chart) per type on a shared scale, each labelled and colored by type so clicks and page loads
/// stay distinguishable without color too.
enum RateChartView {
    static func draw(_ model: DashboardModel, theme: Theme, in rect: Rect, into buffer: inout CellBuffer) {
        guard !rect.isEmpty else { return }
        let types = model.knownTypes
        let labelWidth = min((types.map { DisplayWidth.of($0) }.max() ?? 0) + 1, max(1, rect.width / 4))
        let valueWidth = 8
        let chartWidth = max(0, rect.width - labelWidth - valueWidth - 1)
        let series = types.map { model.rateSeries(of: $0, buckets: max(chartWidth, 2)) }
        let maximum = series.flatMap { $0 }.max() ?? 0
        let span = Format.span(seconds: chartWidth * Int(LiveLedger.bucketMilliseconds / 1000))
        let title = "Events/s, last \(span) (10 s buckets)" + (maximum > 0 ? ", max \(Format.rate(maximum))" : "")
        buffer.put(DisplayWidth.truncate(title, to: rect.width), row: rect.row, column: rect.column, style: .bold, limit: rect.width)
        guard rect.height > 1, !types.isEmpty else { return }
        let rowsPerType = min(4, max(1, (rect.height - 1) / types.count))
        for (index, type) in types.enumerated() {
            let top = rect.row + 1 + index * rowsPerType
            guard top + rowsPerType <= rect.row + rect.height else { break }
            let style = CellStyle.color(theme.color(forType: type))
            buffer.put(DisplayWidth.fit(type, to: labelWidth), row: top + rowsPerType - 1, column: rect.column, style: style, limit: labelWidth)
            let values = Array(series[index].suffix(chartWidth))
            if chartWidth > 0 {
                for level in 0..<rowsPerType {
                    let line = sparkline(values, maximum: maximum, rows: rowsPerType, row: level)
                    buffer.put(line, row: top + rowsPerType - 1 - level, column: rect.column + labelWidth, style: style, limit: chartWidth)
                }
            }
            // The last complete bucket: the current one is still filling.
            let latest = series[index].count >= 2 ? series[index][series[index].count - 2] : 0
            let room = rect.width - labelWidth - chartWidth
            if room > 1 {
                buffer.put(
                    DisplayWidth.fit(Format.rate(latest), to: room - 1, alignRight: true), row: top + rowsPerType - 1,
                    column: rect.column + labelWidth + chartWidth + 1, limit: room - 1)
            }
        }
    }

    /// Row `row` (0 = bottom) of a column chart `rows` high: each value is `value / maximum` of
    /// the full height, in eighths; a non-zero value always shows at least the lowest eighth.
    static func sparkline(_ values: [Double], maximum: Double, rows: Int, row: Int) -> String {
        var line = ""
        line.reserveCapacity(values.count)
        for value in values {
            guard maximum > 0, value > 0 else {
                line.append(row == 0 ? "▁" : " ")
                continue
            }
            let eighths = max(1, Int((value / maximum * Double(rows * 8)).rounded()))
            let level = min(8, max(0, eighths - row * 8))
            line.append(Theme.levels[level])
        }
        return line
    }
}
