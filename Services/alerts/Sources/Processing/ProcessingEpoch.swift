import EDMKafka

/// The in-memory state of one assignment: rebuilt from Kafka each time partitions are
/// assigned, never stored elsewhere.
struct ProcessingEpoch: Sendable {
    var engine: AlertEngine
    var watermarks: WatermarkTracker
    var offsets: SafeOffsets
    var partitions: Set<TopicPartition>
}
