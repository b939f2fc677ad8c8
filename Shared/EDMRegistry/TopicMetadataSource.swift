import EDMKafka

/// Any client that can read cluster metadata: the relay follows the registry with its producer's
/// metadata, stream and stats with their consumer's.
public protocol TopicMetadataSource: Sendable {
    func partitionCounts(topics: [String]?, timeout: Duration) async throws -> [String: Int32]
}

extension KafkaProducer: TopicMetadataSource {}
extension KafkaConsumer: TopicMetadataSource {}

extension TopicMetadataSource {
    /// The topic's partition count; nil when the cluster does not know it (never creates it).
    public func existingPartitionCount(of topic: String, timeout: Duration = .seconds(3)) async -> Int32? {
        guard let counts = try? await partitionCounts(topics: [topic], timeout: timeout) else { return nil }
        return counts[topic]
    }
}
