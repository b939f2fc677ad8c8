import CRdKafka

/// librdkafka's built-in mock cluster: the real Kafka protocol on loopback sockets, data in
/// memory. For tests and the local run only; production points KAFKA_URL at a real cluster.
///
/// Limits of the mock (librdkafka 2.0.2): roughly 5 MiB or 100,000 message sets retained per
/// partition (older data is dropped silently), a fixed 3 s wait on a group's first join, no
/// CreateTopics (producing to an unknown topic creates it with 4 partitions).
public final class KafkaMockCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    /// `127.0.0.1:port,...`, ephemeral ports chosen by the OS.
    public let bootstrapServers: String

    public init(brokers: Int = 1) throws(KafkaError) {
        let configuration = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        // The owning handle never connects anywhere; silence its logs about that.
        _ = rd_kafka_conf_set(configuration, "log_level", "3", &errorText, errorText.count)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, configuration, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(configuration)
            throw KafkaError(kind: .configuration, message: cString(errorText))
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaError(kind: .operation, message: "could not start the mock cluster")
        }
        self.owner = owner
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// Creates a topic (the mock ignores replication beyond its broker count).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let error = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(kind: .operation, error: error, context: "create topic \(name)")
        }
    }

    /// Makes every request on `topic` fail with `code` (an `rd_kafka_resp_err_t` value), to
    /// test how clients surface broker errors. Pass 0 to clear.
    public func setTopicError(_ topic: String, code: Int32) {
        rd_kafka_mock_topic_set_error(cluster, topic, rd_kafka_resp_err_t(code))
    }

    /// Makes the next `codes.count` requests of a Kafka API (0 = Produce, 1 = Fetch, ...)
    /// fail with these error codes, in order.
    public func pushRequestErrors(apiKey: Int16, codes: [Int32]) {
        let errors = codes.map { rd_kafka_resp_err_t($0) }
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, errors.count, errors)
    }

    /// Takes a broker down (connections refused) or brings it back.
    public func setBroker(_ id: Int32, up: Bool) {
        if up {
            rd_kafka_mock_broker_set_up(cluster, id)
        } else {
            rd_kafka_mock_broker_set_down(cluster, id)
        }
    }
}
