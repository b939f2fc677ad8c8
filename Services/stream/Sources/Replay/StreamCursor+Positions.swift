import EDMEvents
import EDMKafka

extension StreamCursor {
    /// The cursor naming these next offsets.
    init(_ positions: [TopicPartition: Int64]) {
        var byTopic: [String: [Int32: Int64]] = [:]
        for (partition, offset) in positions { byTopic[partition.topic, default: [:]][partition.partition] = offset }
        self.init(positions: byTopic)
    }

    /// The cursor's positions keyed the way the feed keys them.
    var partitionPositions: [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for (topic, partitions) in positions {
            for (partition, offset) in partitions { result[TopicPartition(topic: topic, partition: partition)] = offset }
        }
        return result
    }
}
