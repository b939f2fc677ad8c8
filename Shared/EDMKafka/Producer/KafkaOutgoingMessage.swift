/// A message to produce. A nil `value` is a tombstone; the key picks the partition, so every
/// message with the same key keeps its order, unless `partition` names one.
public struct KafkaOutgoingMessage: Sendable, Hashable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// nil: the partitioner picks by key. Set where records with different keys must keep one
    /// order (the schema registry's records).
    public var partition: Int32?

    public init(topic: String, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    public init(topic: String, key: String?, value: String?, headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) }, headers: headers)
    }
}

/// A Kafka record header. Values are bytes; nil is a null header value.
public struct KafkaHeader: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public init(key: String, value: String) {
        self.init(key: key, value: Array(value.utf8))
    }
}

/// Where the broker stored an acknowledged message.
public struct DeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}
