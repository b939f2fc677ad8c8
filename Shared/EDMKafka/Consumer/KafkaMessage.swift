import Foundation

/// A message read from Kafka, copied out of librdkafka's buffers (so it is Sendable and
/// outlives the poll that produced it). Key and value are raw bytes: nothing is assumed
/// about their encoding, and a tombstone has a nil value.
public struct KafkaMessage: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    /// Producer or log-append time in milliseconds since the epoch, when the broker gave one.
    public var timestampMilliseconds: Int64?
    public var headers: [KafkaHeader]

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
        timestampMilliseconds: Int64?, headers: [KafkaHeader]
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.timestampMilliseconds = timestampMilliseconds
        self.headers = headers
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    public var timestamp: Date? {
        timestampMilliseconds.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// The value as UTF-8 text, or nil for tombstones and bytes that are not valid UTF-8.
    public var valueString: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }

    public var keyString: String? {
        key.flatMap { String(validating: $0, as: UTF8.self) }
    }
}
