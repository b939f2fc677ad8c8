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
        record(partition, from: offset, through: offset, count: 1, newestTime: eventTime)
    }

    /// Records `count` records of one partition read together (a batch), from offset `first`
    /// through `last`, whose newest event time is `newestTime`: one run, so a batch costs one
    /// lookup of its partition, not one per record.
    public mutating func record(_ partition: TopicPartition, from first: Int64, through last: Int64, count: Int, newestTime: Int64) {
        next[partition] = last + 1
        // Mutated in place: copying the list out of the dictionary would copy it per record.
        runs[partition, default: []].extend(first: first, count: count, newestTime: newestTime, runLength: runLength)
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

extension [SafeOffsets.Run] {
    fileprivate mutating func extend(first: Int64, count: Int, newestTime: Int64, runLength: Int) {
        if let index = indices.last, self[index].count + count <= runLength {
            self[index].newestTime = Swift.max(self[index].newestTime, newestTime)
            self[index].count += count
        } else {
            append(SafeOffsets.Run(firstOffset: first, newestTime: newestTime, count: count))
        }
    }
}
