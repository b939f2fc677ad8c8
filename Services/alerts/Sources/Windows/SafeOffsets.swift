import EDMKafka

/// Which offsets may be committed: a record is done once every window it counts in has closed
/// (its event time plus the longest window and grace lies behind the watermark). Committing
/// only done records means a restart from the committed offsets re-reads every record of every
/// window still open, so no alert depends on a record that is not read again.
///
/// Records are tracked in runs of up to `runLength` (first offset, newest event time), so the
/// memory is a small fraction of the records in flight.
public struct SafeOffsets: Sendable {
    struct Run: Sendable {
        var firstOffset: Int64
        var newestTime: Int64
        var count: Int
    }

    public let holdMilliseconds: Int64
    private let runLength: Int
    private var runs: [TopicPartition: [Run]] = [:]
    private var next: [TopicPartition: Int64] = [:]

    public init(holdMilliseconds: Int64, runLength: Int = 256) {
        self.holdMilliseconds = holdMilliseconds
        self.runLength = runLength
    }

    public mutating func record(_ partition: TopicPartition, offset: Int64, eventTime: Int64) {
        next[partition] = offset + 1
        var list = runs[partition, default: []]
        if var last = list.last, last.count < runLength {
            last.newestTime = max(last.newestTime, eventTime)
            last.count += 1
            list[list.count - 1] = last
        } else {
            list.append(Run(firstOffset: offset, newestTime: eventTime, count: 1))
        }
        runs[partition] = list
    }

    /// Next-offsets to commit for the watermark: the first offset of the oldest run not yet done.
    public mutating func committable(watermark: Int64) -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for (partition, list) in runs {
            let done = list.prefix { $0.newestTime &+ holdMilliseconds <= watermark }.count
            let remaining = Array(list.dropFirst(done))
            runs[partition] = remaining
            if let first = remaining.first {
                result[partition] = first.firstOffset
            } else if let next = next[partition] {
                result[partition] = next
            }
        }
        return result
    }
}
