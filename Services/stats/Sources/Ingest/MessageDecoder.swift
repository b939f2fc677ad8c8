import EDMEvents
import EDMKafka
import EDMRegistry
import Foundation

/// What one Kafka message means to stats: an event to count, or a reason to skip it.
struct DecodedMessage: Sendable {
    enum Item: Sendable {
        case event(CountableEvent)
        case skipped(SkipReason)
    }

    let partition: TopicPartition
    let offset: Int64
    let item: Item

    func replacingItem(_ item: Item) -> DecodedMessage {
        DecodedMessage(partition: partition, offset: offset, item: item)
    }
}

/// Stats' view of the shared ``EventRecordDecoder``: each accepted event projected straight to
/// what the aggregates need.
struct MessageDecoder: Sendable {
    let records: EventRecordDecoder
    let policy: EventTimePolicy
    /// The types registered at runtime (nil: built-in types only). Their topics are subscribed
    /// only once the snapshot knows them, so a record of one never finds its type missing.
    let registry: SchemaRegistry?

    init(names: KafkaNames, registry: SchemaRegistry? = nil, policy: EventTimePolicy = .standard) {
        self.records = EventRecordDecoder(names: names)
        self.registry = registry
        self.policy = policy
    }

    func decode(_ message: KafkaMessage) -> DecodedMessage {
        let item: DecodedMessage.Item =
            switch records.decode(
                EventRecord(
                    topic: message.topic, partition: message.partition, offset: message.offset,
                    value: message.value, timestampMilliseconds: message.timestampMilliseconds),
                projecting: { CountableEvent($0, policy: policy) })
            {
            case .success(let event): .event(event)
            case .failure(.unknownTopic): decodeRegistered(message)
            case .failure(let reason): .skipped(reason)
            }
        return DecodedMessage(partition: message.topicPartition, offset: message.offset, item: item)
    }

    /// A record on a registered type's topic, counted by the `countBy` fields of the version
    /// it was written with (the current version's when that one is unknown here).
    private func decodeRegistered(_ message: KafkaMessage) -> DecodedMessage.Item {
        guard let registry, let name = RegisteredRecordDecoder.typeName(forTopic: message.topic, prefix: records.names.prefix),
            let entry = registry.entry(named: name)
        else { return .skipped(.unknownTopic) }
        let record = EventRecord(
            topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
            timestampMilliseconds: message.timestampMilliseconds)
        switch RegisteredRecordDecoder.decode(record, type: name) {
        case .success(let decoded):
            let version = entry.versions.first { $0.version == decoded.typeVersion } ?? entry.current.type
            return .event(CountableEvent(decoded, countBy: version.countBy, policy: policy))
        case .failure(let reason):
            return .skipped(reason)
        }
    }
}
