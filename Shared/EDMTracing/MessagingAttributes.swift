import EDMKafka
import Tracing

/// OpenTelemetry messaging semantic conventions for Kafka (semconv 1.27+ names), as span
/// attributes: https://opentelemetry.io/docs/specs/semconv/messaging/kafka/
public enum MessagingAttribute {
    public static let system = "messaging.system"
    public static let operationType = "messaging.operation.type"
    public static let operationName = "messaging.operation.name"
    public static let destinationName = "messaging.destination.name"
    public static let partitionID = "messaging.destination.partition.id"
    public static let consumerGroup = "messaging.consumer.group.name"
    public static let messageID = "messaging.message.id"
    public static let bodySize = "messaging.message.body.size"
    public static let batchCount = "messaging.batch.message_count"
    public static let kafkaKey = "messaging.kafka.message.key"
    public static let kafkaOffset = "messaging.kafka.offset"
    public static let errorType = "error.type"

    public static let kafka = "kafka"
}

/// The operations our spans stand for (`messaging.operation.type` and the span name's verb).
public enum MessagingOperation: String, Sendable {
    /// The relay producing a record (span kind producer).
    case send
    /// A consumer handling records it received (span kind consumer).
    case process

    /// `"{operation} {destination}"`, or the operation alone when a batch spans topics.
    public func spanName(destination: String?) -> String {
        destination.map { "\(rawValue) \($0)" } ?? rawValue
    }
}

extension Span {
    /// Sets the attributes every Kafka span has: system, operation, destination.
    public func setMessaging(_ operation: MessagingOperation, topic: String?) {
        attributes[MessagingAttribute.system] = MessagingAttribute.kafka
        attributes[MessagingAttribute.operationType] = operation.rawValue
        attributes[MessagingAttribute.operationName] = operation.rawValue
        if let topic { attributes[MessagingAttribute.destinationName] = topic }
    }

    /// Where one record lives: partition, offset, key, and the body's size.
    public func setRecord(_ message: KafkaMessage) {
        attributes[MessagingAttribute.partitionID] = String(message.partition)
        attributes[MessagingAttribute.kafkaOffset] = Int(message.offset)
        if let key = message.keyString { attributes[MessagingAttribute.kafkaKey] = key }
        attributes[MessagingAttribute.bodySize] = message.value?.count ?? 0
    }
}
