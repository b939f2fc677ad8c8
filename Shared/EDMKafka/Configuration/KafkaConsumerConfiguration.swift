/// Consumer settings. Offsets are never stored behind the service's back: a message's offset is
/// stored only when the service calls `storeOffset`, and `commitMode` decides when stored
/// offsets are committed to the group.
public struct KafkaConsumerConfiguration: Sendable {
    public enum Subscription: Sendable, Equatable {
        /// Join a consumer group and share the topics' partitions with its other members.
        case group(id: String, topics: [String])
        /// Read exactly these partitions from these offsets, outside any group (each process sees
        /// everything; used when every instance must deliver every event).
        case partitions([TopicPartitionOffset])
    }

    public enum OffsetReset: String, Sendable {
        case earliest, latest
    }

    public enum CommitMode: Sendable, Equatable {
        /// librdkafka commits the stored offsets every `interval` and on close.
        case automatic(interval: Duration)
        /// Only `commit()` commits (and close, for stored offsets).
        case manual
    }

    public var subscription: Subscription
    public var clientID: String = "edm-consumer"
    /// Where to start when the group has no committed offset.
    public var autoOffsetReset: OffsetReset = .earliest
    public var commitMode: CommitMode = .automatic(interval: .seconds(1))
    /// Group session timeout: how fast a dead member's partitions move. 3-6 s suits tests.
    public var sessionTimeout: Duration = .seconds(10)
    public var heartbeatInterval: Duration = .seconds(1)
    /// Messages buffered ahead of the service; when full, polling waits for the service (and
    /// librdkafka's own prefetch queue, `queued.max.messages.kbytes`, bounds the rest).
    public var bufferCapacity: Int = 10_000
    /// Any other librdkafka property, applied last.
    public var extraProperties: [String: String] = [:]

    public init(subscription: Subscription) {
        self.subscription = subscription
    }

    var properties: [String: String] {
        var properties = [
            "auto.offset.reset": autoOffsetReset.rawValue,
            "enable.partition.eof": "false",
            "session.timeout.ms": String(sessionTimeout.milliseconds),
            "heartbeat.interval.ms": String(heartbeatInterval.milliseconds),
        ]
        switch subscription {
        case .group(let id, _):
            properties["group.id"] = id
            properties["enable.auto.offset.store"] = "false"
            switch commitMode {
            case .automatic(let interval):
                properties["enable.auto.commit"] = "true"
                properties["auto.commit.interval.ms"] = String(interval.milliseconds)
            case .manual:
                properties["enable.auto.commit"] = "false"
            }
        case .partitions:
            // librdkafka needs a group id even to assign directly; nothing joins or commits.
            properties["group.id"] = "\(clientID)-direct-\(UInt64.random(in: 0...UInt64.max))"
            properties["enable.auto.commit"] = "false"
            properties["enable.auto.offset.store"] = "false"
        }
        properties.merge(extraProperties) { _, new in new }
        return properties
    }
}
