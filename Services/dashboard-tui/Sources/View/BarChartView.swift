/// A titled horizontal bar chart: label, bar scaled to the largest value, count. Bars use
/// eighth blocks, so values close to each other still look different.
enum BarChartView {
    struct Bar {
        var label: String
        var value: Int64
        var style: CellStyle
    }

    static func draw(title: String, bars: [Bar], empty: String, in rect: Rect, into buffer: inout CellBuffer) {
        guard !rect.isEmpty else { return }
        buffer.put(DisplayWidth.truncate(title, to: rect.width), row: rect.row, column: rect.column, style: .bold, limit: rect.width)
        let rows = rect.height - 1
        guard rows > 0 else { return }
        let shown = Array(bars.prefix(rows))
        if shown.isEmpty {
            buffer.put(DisplayWidth.truncate(empty, to: rect.width), row: rect.row + 1, column: rect.column, style: .dim, limit: rect.width)
            return
        }
        let maximum = shown.map(\.value).max() ?? 0
        let useCompact = rect.width < 40
        let counts = shown.map { useCompact ? Format.compact($0.value) : Format.count($0.value) }
        let countWidth = counts.map { $0.count }.max() ?? 0
        let longestLabel = shown.map { DisplayWidth.of($0.label) }.max() ?? 0
        // The label gets up to 40% of the row (at least 4 columns); the bar what is left.
        let labelWidth = min(longestLabel, max(4, rect.width * 2 / 5))
        let barWidth = rect.width - labelWidth - countWidth - 2
        for (index, bar) in shown.enumerated() {
            let row = rect.row + 1 + index
            var column = rect.column
            column += buffer.put(DisplayWidth.fit(bar.label, to: labelWidth), row: row, column: column, limit: labelWidth) + 1
            if barWidth > 0 {
                buffer.put(self.bar(bar.value, maximum: maximum, width: barWidth), row: row, column: column, style: bar.style, limit: barWidth)
                column += barWidth + 1
            }
            let room = rect.column + rect.width - column
            if room > 0 {
                buffer.put(DisplayWidth.fit(counts[index], to: min(room, countWidth), alignRight: true), row: row, column: column, limit: room)
            }
        }
    }

    /// `value / maximum` of `width` cells, in eighths; a non-zero value always shows a sliver.
    static func bar(_ value: Int64, maximum: Int64, width: Int) -> String {
        guard maximum > 0, value > 0, width > 0 else { return "" }
        let eighths = max(1, Int((Double(value) / Double(maximum) * Double(width * 8)).rounded()))
        let full = min(width, eighths / 8)
        var text = String(repeating: "█", count: full)
        let rest = eighths % 8
        if rest > 0 && full < width { text.append(Theme.eighths[rest]) }
        return text
    }
}
