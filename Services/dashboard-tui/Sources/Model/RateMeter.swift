/// Events per second over the last few seconds of arrivals, from per-second counters in a ring
/// (constant memory and O(1) per event whatever the rate).
public struct RateMeter: Sendable {
    public let window: Int
    private var counts: [Int64]
    private var newestSecond: Int64?

    public init(window: Int = 5) {
        self.window = max(1, window)
        counts = Array(repeating: 0, count: self.window + 1)
    }

    /// Counts `events` arrivals at `seconds` (monotonic seconds since any fixed origin).
    public mutating func record(_ events: Int64 = 1, atSecond second: Int64) {
        advance(to: second)
        counts[slot(second)] += events
    }

    /// The average rate over the `window` whole seconds before `second` (the current, partial
    /// second is left out so the figure does not dip at each second's start).
    public mutating func rate(atSecond second: Int64) -> Double {
        advance(to: second)
        var sum: Int64 = 0
        for offset in 1...window { sum += counts[slot(second - Int64(offset))] }
        return Double(sum) / Double(window)
    }

    private func slot(_ second: Int64) -> Int {
        Int(LiveLedger.modulo(second, Int64(counts.count)))
    }

    private mutating func advance(to second: Int64) {
        guard let newest = newestSecond else {
            newestSecond = second
            return
        }
        guard second > newest else { return }
        let steps = min(second - newest, Int64(counts.count))
        for step in 1...steps { counts[slot(newest + step)] = 0 }
        newestSecond = second
    }
}
