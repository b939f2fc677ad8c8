import EDMEvents
import EDMKafka
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

    init(names: KafkaNames, policy: EventTimePolicy = .standard) {
        self.records = EventRecordDecoder(names: names)
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
            case .failure(let reason): .skipped(reason)
            }
        return DecodedMessage(partition: message.topicPartition, offset: message.offset, item: item)
    }
}
