import EDMKafka

/// What one batch did to each partition it touched (offsets read, newest `receivedAt`, newest
/// event time), gathered while its records are counted and applied to the watermarks and the
/// committable offsets once per partition: keyed by topic name, a per-record update hashed the
/// topic string several times per record.
struct BatchProgress {
    struct Partition {
        let partition: TopicPartition
        /// Whether the current assignment owns it (records of a revoked partition are skipped).
        let owned: Bool
        var firstOffset: Int64
        var lastOffset: Int64
        var count = 0
        var newestReceivedAt: Int64 = .min
        var newestEventTime: Int64 = .min
    }

    private(set) var partitions: [Partition] = []
    private var last = -1

    /// The slot of `message`'s partition (batches hold few partitions, in runs: the last one
    /// is checked first, then a short scan).
    mutating func slot(for message: KafkaMessage, owned: (TopicPartition) -> Bool) -> Int {
        if last >= 0, Self.matches(partitions[last], message) { return last }
        if let found = partitions.firstIndex(where: { Self.matches($0, message) }) {
            last = found
            return found
        }
        let partition = message.topicPartition
        partitions.append(
            Partition(partition: partition, owned: owned(partition), firstOffset: message.offset, lastOffset: message.offset))
        last = partitions.count - 1
        return last
    }

    func isOwned(_ slot: Int) -> Bool { partitions[slot].owned }

    mutating func observe(_ slot: Int, offset: Int64, receivedAt: Int64, eventTime: Int64) {
        partitions[slot].firstOffset = min(partitions[slot].firstOffset, offset)
        partitions[slot].lastOffset = max(partitions[slot].lastOffset, offset)
        partitions[slot].count += 1
        partitions[slot].newestReceivedAt = max(partitions[slot].newestReceivedAt, receivedAt)
        partitions[slot].newestEventTime = max(partitions[slot].newestEventTime, eventTime)
    }

    /// Hands every owned partition's progress to the watermarks and the offsets.
    func apply(to watermarks: inout WatermarkTracker, _ offsets: inout SafeOffsets) {
        for entry in partitions where entry.owned && entry.count > 0 {
            watermarks.observe(entry.partition, offset: entry.lastOffset, receivedAt: entry.newestReceivedAt)
            offsets.record(
                entry.partition, from: entry.firstOffset, through: entry.lastOffset, count: entry.count,
                newestTime: entry.newestEventTime)
        }
    }

    private static func matches(_ entry: Partition, _ message: KafkaMessage) -> Bool {
        entry.partition.partition == message.partition && entry.partition.topic == message.topic
    }
}
