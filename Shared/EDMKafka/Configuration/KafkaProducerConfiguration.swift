import EDMCore
/// Producer tuning. Defaults favour safety (idempotent, acks=all) with a short linger so an
/// awaited send costs about one broker round trip plus `linger`.
public struct KafkaProducerConfiguration: Sendable {
    public var clientID: String = "edm-producer"
    /// How long librdkafka waits to fill a batch (`linger.ms`).
    public var linger: Duration = .milliseconds(5)
    /// Maximum messages per batch (`batch.num.messages`).
    public var maxBatchMessages: Int = 10_000
    /// Local queue capacity (`queue.buffering.max.messages`); a full queue makes `send` wait.
    public var maxQueuedMessages: Int = 100_000
    /// How long a message may wait for the broker's acknowledgement (`message.timeout.ms`).
    public var deliveryTimeout: Duration = .seconds(30)
    /// How long `send` waits for room in a full local queue before throwing `.queueFull`.
    public var enqueueTimeout: Duration = .seconds(5)
    /// Idempotence implies acks=all and no duplicates on internal retries.
    public var idempotent: Bool = true
    /// `compression.codec`: none, gzip, snappy, lz4, zstd.
    public var compression: String = "none"
    /// Any other librdkafka property, applied last.
    public var extraProperties: [String: String] = [:]

    public init() {}

    var properties: [String: String] {
        var properties = [
            "linger.ms": String(linger.milliseconds),
            "batch.num.messages": String(maxBatchMessages),
            "queue.buffering.max.messages": String(maxQueuedMessages),
            "message.timeout.ms": String(deliveryTimeout.milliseconds),
            "enable.idempotence": idempotent ? "true" : "false",
            "acks": "all",
            "compression.codec": compression,
        ]
        properties.merge(extraProperties) { _, new in new }
        return properties
    }
}
