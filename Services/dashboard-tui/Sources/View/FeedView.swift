/// The live feed: newest event first, one per row, colored by type; shows pause and filter.
enum FeedView {
    static func draw(_ model: DashboardModel, theme: Theme, in rect: Rect, into buffer: inout CellBuffer) {
        guard !rect.isEmpty else { return }
        var title = "Live feed"
        if let filter = model.typeFilter { title += " [\(filter) only]" }
        if model.feed.isPaused { title += " PAUSED (+\(Format.count(model.feed.missedWhilePaused)) new)" }
        buffer.put(DisplayWidth.truncate(title, to: rect.width), row: rect.row, column: rect.column,
                   style: model.feed.isPaused ? CellStyle(bold: true, inverse: true) : .bold, limit: rect.width)
        let rows = rect.height - 1
        guard rows > 0 else { return }
        let events = model.feed.visible(rows, where: model.feedShows)
        if events.isEmpty {
            let waiting = model.stream == .off ? "stream not followed" : model.stream.isConnected ? "no events yet" : "waiting for the stream"
            buffer.put(DisplayWidth.truncate(waiting, to: rect.width), row: rect.row + 1, column: rect.column, style: .dim, limit: rect.width)
            return
        }
        let typeWidth = min(max(model.knownTypes.map { DisplayWidth.of($0) }.max() ?? 5, 5), 10)
        let showTime = rect.width >= 40
        for (index, event) in events.enumerated() {
            let row = rect.row + 1 + index
            var column = rect.column
            let end = rect.column + rect.width
            if showTime {
                column += buffer.put(Format.clock(event.receivedAt, offsetSeconds: theme.utcOffsetSeconds) + " ",
                                     row: row, column: column, style: .dim, limit: end - column)
            }
            column += buffer.put(DisplayWidth.fit(event.type, to: typeWidth) + " ", row: row, column: column,
                                 style: .color(theme.color(forType: event.type)), limit: end - column)
            var detail = event.label
            if let device = event.deviceType { detail = "[\(device)] " + detail }
            if let description = event.description, !description.isEmpty { detail += "  " + description }
            if end - column > 0 {
                buffer.put(DisplayWidth.truncate(detail, to: end - column), row: row, column: column, limit: end - column)
            }
        }
    }
}
