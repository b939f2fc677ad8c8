import Foundation

/// The replay point for the stream's next connection, published by the main loop when history
/// arrives and read by the stream client when it connects.
final class WatermarkBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date?

    /// The newest of the per-type watermarks. Not the oldest: a type nobody used for an hour
    /// would drag the replay an hour back. A type whose counting lags further behind than the
    /// replay margin is corrected by the next history reload.
    func update(from history: HistorySnapshot) {
        let newest = history.watermarks.values.max()
        lock.withLock { value = newest }
    }

    var current: Date? { lock.withLock { value } }
}
