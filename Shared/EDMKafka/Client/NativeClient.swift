import CRdKafka
import Logging

/// Owns one `rd_kafka_t`. librdkafka handles are thread-safe, so this is shared freely; it is
/// destroyed exactly once by its owner (producer or consumer) after their threads stopped.
final class NativeClient: @unchecked Sendable {
    let handle: OpaquePointer
    let context: ClientContext

    init(type: rd_kafka_type_t, configuration: NativeConfiguration, context: ClientContext) throws(KafkaError) {
        context.install(on: configuration)
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, configuration.pointer, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(configuration.pointer)
            throw KafkaError(kind: .configuration, message: cString(errorText))
        }
        self.handle = handle
        self.context = context
    }

    func destroy() {
        rd_kafka_destroy(handle)
    }

    /// Partition counts per topic from the cluster's metadata (blocking; call off the pool).
    func partitionCounts(topics: [String]?, timeout: Duration) throws(KafkaError) -> [String: Int32] {
        var metadataPointer: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 1, nil, &metadataPointer, Int32(timeout.milliseconds))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata = metadataPointer else {
            throw KafkaError(kind: .operation, error: error, context: "metadata")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var counts: [String: Int32] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            let name = String(cString: topic.topic)
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, topics?.contains(name) ?? true else { continue }
            counts[name] = topic.partition_cnt
        }
        return counts
    }

    /// The partition count of one topic, asking the cluster about that topic alone (blocking).
    /// From a producer this is the request that lets a broker allowing auto-creation (such as
    /// librdkafka's mock cluster) create the topic. nil: the topic does not exist (or the client
    /// may not see it); any other failure throws.
    func topicPartitionCount(_ topic: OpaquePointer, timeout: Duration) throws(KafkaError) -> Int32? {
        var metadataPointer: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 0, topic, &metadataPointer, Int32(timeout.milliseconds))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata = metadataPointer else {
            throw KafkaError(kind: .operation, error: error, context: "metadata of one topic")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt > 0 else { return nil }
        let described = metadata.pointee.topics[0]
        guard described.err == RD_KAFKA_RESP_ERR_NO_ERROR, described.partition_cnt > 0 else { return nil }
        return described.partition_cnt
    }

    /// Low and high watermarks of a partition as the broker reports them (blocking).
    func watermarks(_ partition: TopicPartition, timeout: Duration) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let error = rd_kafka_query_watermark_offsets(
            handle, partition.topic, partition.partition, &low, &high, Int32(timeout.milliseconds))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(kind: .operation, error: error, context: "watermarks of \(partition)")
        }
        return (low, high)
    }
}
