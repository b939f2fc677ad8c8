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

    /// Creates `topic` through the admin API (CreateTopics) with `partitions` and the broker's
    /// default replication (blocking). An existing topic is not an error. Throws the broker's
    /// answer otherwise, e.g. an authorization error where clients may not create topics, or
    /// an unsupported-request error from a cluster without the API (librdkafka's mock cluster).
    func createTopic(_ topic: String, partitions: Int32, config: [String: String], timeout: Duration) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(topic, partitions, -1, &errorText, errorText.count) else {
            throw KafkaError(kind: .configuration, message: cString(errorText))
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (name, value) in config.sorted(by: { $0.key < $1.key }) {
            let error = rd_kafka_NewTopic_set_config(newTopic, name, value)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(kind: .configuration, error: error, context: "topic config \(name)")
            }
        }
        guard let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS) else {
            throw KafkaError(kind: .operation, message: "cannot create admin options")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        let milliseconds = Int32(timeout.milliseconds)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &errorText, errorText.count)
        guard let queue = rd_kafka_queue_new(handle) else { throw KafkaError(kind: .operation, message: "cannot create a queue") }
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(handle, &topics, 1, options, queue)
        guard let event = rd_kafka_queue_poll(queue, milliseconds + 1000) else {
            throw KafkaError(kind: .operation, message: "no answer to CreateTopics within \(milliseconds) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(kind: .operation, error: eventError, context: "create topic \(topic)")
        }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
            let results = rd_kafka_CreateTopics_result_topics(result, &count), count > 0, let first = results[0]
        else {
            throw KafkaError(kind: .operation, message: "CreateTopics answered without a result for \(topic)")
        }
        let error = rd_kafka_topic_result_error(first)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else {
            throw KafkaError(kind: .operation, error: error, context: "create topic \(topic)")
        }
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
