import EDMKafka

/// Event-time progress across the partitions this instance reads, from the relay's clock
/// (`receivedAt`), which unlike a client's `occurredAt` cannot run ahead.
///
/// While partitions are still being re-read after an assignment, the watermark is the lowest
/// progress among them, so a partition read faster than another cannot close the other's
/// windows early. Once every partition has reached the end it had at assignment, the stream
/// is live: the watermark is the newest `receivedAt` seen, or the wall clock minus
/// `liveDelay` when traffic stops (so quiet windows close and "dropped to zero" rules fire).
public struct WatermarkTracker: Sendable {
    /// Offsets each partition had to reach at assignment (its high watermark then).
    private var replayEnds: [TopicPartition: Int64]
    private var progress: [TopicPartition: Int64] = [:]
    private var newest: Int64 = .min
    public let liveDelay: Int64

    public init(replayEnds: [TopicPartition: Int64], liveDelayMilliseconds: Int64) {
        self.replayEnds = replayEnds.filter { $0.value > 0 }
        self.liveDelay = liveDelayMilliseconds
    }

    /// Whether every partition has been read up to where it ended at assignment.
    public var isLive: Bool { replayEnds.isEmpty }

    public mutating func observe(_ partition: TopicPartition, offset: Int64, receivedAt: Int64) {
        progress[partition] = max(progress[partition] ?? .min, receivedAt)
        newest = max(newest, receivedAt)
        if let end = replayEnds[partition], offset + 1 >= end { replayEnds[partition] = nil }
    }

    /// The current watermark in ms, nil while a partition still being re-read has given nothing.
    public func watermark(now: Int64) -> Int64? {
        if isLive { return max(newest, now - liveDelay) }
        var lowest = Int64.max
        for partition in replayEnds.keys {
            guard let seen = progress[partition] else { return nil }
            lowest = min(lowest, seen)
        }
        return lowest
    }
}
