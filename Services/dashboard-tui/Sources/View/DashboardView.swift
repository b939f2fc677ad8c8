/// Lays the dashboard out for a terminal size and draws the model into a frame.
///
/// Rows, top to bottom: header; totals per type; top buttons and page loads by device (side by
/// side when the terminal is at least 72 columns wide, else stacked); the events/s chart; the
/// live feed; a footer with keys or the latest notice. Sections are given rows in that order of
/// importance, so small terminals keep the header and totals and lose the feed first.
public struct DashboardView: Sendable {
    public var theme: Theme
    /// Buttons in the bar chart at most.
    public var maxButtons = 10

    public init(theme: Theme = Theme()) {
        self.theme = theme
    }

    public func render(_ model: DashboardModel, size: TerminalSize) -> CellBuffer {
        var buffer = CellBuffer(width: size.columns, height: size.rows)
        let width = buffer.width
        guard width > 0, buffer.height > 0 else { return buffer }
        HeaderView.draw(model, theme: theme, in: Rect(row: 0, column: 0, width: width, height: 1), into: &buffer)
        var top = 1
        var bottom = buffer.height
        if buffer.height >= 3 {
            bottom -= 1
            drawFooter(model, in: Rect(row: bottom, column: 0, width: width, height: 1), into: &buffer)
        }
        if top < bottom {
            drawTotals(model, in: Rect(row: top, column: 0, width: width, height: 1), into: &buffer)
            top += 1
        }
        var remaining = bottom - top
        // The alerts panel, once there are alerts: a title and up to four, above the charts.
        if !model.alerts.entries.isEmpty, remaining >= 12 {
            let rows = 1 + min(4, model.alerts.entries.count)
            AlertsPanelView.draw(model, theme: theme, in: Rect(row: top, column: 0, width: width, height: rows), into: &buffer)
            top += rows
            remaining -= rows
        }
        if remaining > 0 {
            let barRows = remaining < 8 ? remaining : min(barsHeight(model, width: width), max(4, remaining * 2 / 5))
            drawBars(model, in: Rect(row: top, column: 0, width: width, height: barRows), into: &buffer)
            top += barRows
            remaining -= barRows
        }
        // The chart needs a title and a row per type; the feed at least a title and two events.
        let chartRows = chartHeight(types: model.knownTypes.count, available: remaining)
        if chartRows > 0 {
            top += 1  // blank line between sections
            RateChartView.draw(model, theme: theme, in: Rect(row: top, column: 0, width: width, height: chartRows - 1), into: &buffer)
            top += chartRows - 1
            remaining -= chartRows
        }
        if remaining >= 4 {
            FeedView.draw(model, theme: theme, in: Rect(row: top + 1, column: 0, width: width, height: remaining - 1), into: &buffer)
        }
        if model.showHelp {
            HelpOverlay.draw(in: Rect(row: 1, column: 0, width: width, height: buffer.height - 1), into: &buffer)
        }
        return buffer
    }

    /// Rows the bar charts can use: titles plus every bar (buttons up to ``maxButtons``).
    func barsHeight(_ model: DashboardModel, width: Int) -> Int {
        let buttons = max(1, min(maxButtons, model.topButtons(maxButtons).count))
        let devices = model.deviceCounts.count
        return width >= 72 ? max(buttons, devices) + 1 : buttons + devices + 2
    }

    /// Rows for the chart including the blank line above it; 0 when it does not fit.
    func chartHeight(types: Int, available: Int) -> Int {
        let minimum = 2 + types  // blank, title, one row per type
        guard types > 0, available >= minimum else { return 0 }
        let spare = available - minimum - 5  // keep room for a feed of 4 events
        let rowsPerType = spare >= 3 * types ? (spare >= 6 * types ? 3 : 2) : 1
        return 2 + types * rowsPerType
    }

    func drawTotals(_ model: DashboardModel, in rect: Rect, into buffer: inout CellBuffer) {
        var column = rect.column
        let end = rect.column + rect.width
        column += buffer.put("Totals", row: rect.row, column: column, style: .bold, limit: end - column)
        for type in model.knownTypes where end - column > 1 {
            column += buffer.put("  ", row: rect.row, column: column, limit: end - column)
            column += buffer.put(type + " ", row: rect.row, column: column, style: .color(theme.color(forType: type)), limit: end - column)
            let count = rect.width < 50 ? Format.compact(model.total(of: type)) : Format.count(model.total(of: type))
            column += buffer.put(count, row: rect.row, column: column, style: .bold, limit: end - column)
        }
        if let history = model.history, !history.consistent, end - column > 4 {
            buffer.put("  (settling)", row: rect.row, column: column, style: .dim, limit: end - column)
        }
    }

    func drawBars(_ model: DashboardModel, in rect: Rect, into buffer: inout CellBuffer) {
        let clickStyle = CellStyle.color(theme.color(forType: "click"))
        let deviceStyle = CellStyle.color(theme.color(forType: "pageload"))
        let buttons = model.topButtons(min(maxButtons, rect.height)).map {
            BarChartView.Bar(label: $0.buttonId, value: $0.clicks, style: clickStyle)
        }
        let devices = model.deviceCounts.map { BarChartView.Bar(label: $0.device, value: $0.count, style: deviceStyle) }
        let buttonsTitle = "Top buttons by clicks"
        let devicesTitle = "Page loads by device"
        if rect.width >= 72 {
            let left = rect.width * 3 / 5
            BarChartView.draw(title: buttonsTitle, bars: buttons, empty: "no clicks yet",
                              in: Rect(row: rect.row, column: rect.column, width: left - 2, height: rect.height), into: &buffer)
            BarChartView.draw(title: devicesTitle, bars: devices, empty: "no page loads yet",
                              in: Rect(row: rect.row, column: rect.column + left, width: rect.width - left, height: rect.height), into: &buffer)
        } else if rect.height >= 8 {
            let deviceRows = min(devices.count + 1, rect.height - 3)  // buttons keep a title and two rows
            BarChartView.draw(title: buttonsTitle, bars: buttons, empty: "no clicks yet",
                              in: Rect(row: rect.row, column: rect.column, width: rect.width, height: rect.height - deviceRows), into: &buffer)
            BarChartView.draw(title: devicesTitle, bars: devices, empty: "no page loads yet",
                              in: Rect(row: rect.row + rect.height - deviceRows, column: rect.column, width: rect.width, height: deviceRows), into: &buffer)
        } else {
            BarChartView.draw(title: buttonsTitle, bars: buttons, empty: "no clicks yet", in: rect, into: &buffer)
        }
    }

    func drawFooter(_ model: DashboardModel, in rect: Rect, into buffer: inout CellBuffer) {
        if let notice = model.notice {
            buffer.put(DisplayWidth.truncate(notice.text, to: rect.width), row: rect.row, column: rect.column,
                       style: .color(.yellow, bold: true), limit: rect.width)
            return
        }
        let filter = model.typeFilter ?? "all"
        let keys = rect.width >= 60
            ? "q quit  p \(model.feed.isPaused ? "resume" : "pause")  f filter: \(filter)  r reload  ? help"
            : "q p f r ?  filter: \(filter)"
        buffer.put(DisplayWidth.truncate(keys, to: rect.width), row: rect.row, column: rect.column, style: .dim, limit: rect.width)
    }
}
