import Foundation

/// The top row: title, stats and stream connection states, total events, events/s now, time.
/// Pieces are dropped from the least important up until the row fits.
enum HeaderView {
    struct Piece {
        var text: String
        var style: CellStyle
        /// Lower goes first when the row is too narrow.
        var priority: Int
    }

    static func draw(_ model: DashboardModel, theme: Theme, in rect: Rect, into buffer: inout CellBuffer) {
        guard !rect.isEmpty else { return }
        let pieces = [
            Piece(text: "EDM dashboard", style: .bold, priority: 1),
            Piece(text: "stats " + statusText(model.stats, now: model.now), style: theme.style(for: model.stats), priority: 5),
            Piece(text: "stream " + statusText(model.stream, now: model.now), style: theme.style(for: model.stream), priority: 4),
            Piece(text: Format.count(model.totalEvents) + " events", style: .bold, priority: 6),
            Piece(text: Format.rate(model.currentRate), style: .plain, priority: 3),
            Piece(text: Format.clock(model.now, offsetSeconds: theme.utcOffsetSeconds), style: .dim, priority: 2),
        ]
        var shown = pieces
        let separator = " │ "
        func width(_ pieces: [Piece]) -> Int {
            pieces.reduce(0) { $0 + DisplayWidth.of($1.text) } + max(0, pieces.count - 1) * separator.count
        }
        while shown.count > 1 && width(shown) > rect.width {
            let lowest = shown.indices.min { shown[$0].priority < shown[$1].priority }!
            shown.remove(at: lowest)
        }
        var column = rect.column
        for (index, piece) in shown.enumerated() {
            if index > 0 {
                column += buffer.put(separator, row: rect.row, column: column, style: .dim, limit: rect.column + rect.width - column)
            }
            let room = rect.column + rect.width - column
            if room <= 0 { break }
            column += buffer.put(DisplayWidth.truncate(piece.text, to: room), row: rect.row, column: column, style: piece.style, limit: room)
        }
    }

    /// "connected", "reconnecting in 3s", "error: 401 unauthorized (retry in 30s)".
    static func statusText(_ status: LinkStatus, now: Date) -> String {
        switch status {
        case .idle: "waiting"
        case .off: "off"
        case .connecting(let attempt): attempt > 1 ? "connecting (try \(attempt))" : "connecting"
        case .connected: "connected"
        case .retrying(let at, _, let reason): "reconnecting in \(secondsUntil(at, now: now))s (\(reason))"
        case .failed(let reason, let retryAt): "error: \(reason) (retry in \(secondsUntil(retryAt, now: now))s)"
        }
    }

    static func secondsUntil(_ date: Date, now: Date) -> Int {
        max(0, Int(date.timeIntervalSince(now).rounded(.up)))
    }
}
