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

/// Turns raw messages into ``DecodedMessage``s without ever throwing: anything can be produced
/// to a topic, and one bad message must not stop a partition.
///
/// Accepts canonical envelopes (what the relay writes, `source` v1 or legacy) and, for the
/// migration period, the reference relay's raw payloads (`{topic, uuid, event_timestamp,
/// properties}`), mapped exactly as the relay's legacy routes map them, with the message's
/// Kafka timestamp as `receivedAt`.
struct MessageDecoder: Sendable {
    let names: KafkaNames
    let policy: EventTimePolicy

    init(names: KafkaNames, policy: EventTimePolicy = .standard) {
        self.names = names
        self.policy = policy
    }

    func decode(_ message: KafkaMessage) -> DecodedMessage {
        DecodedMessage(partition: message.topicPartition, offset: message.offset, item: item(for: message))
    }

    private func item(for message: KafkaMessage) -> DecodedMessage.Item {
        guard let topicKind = names.kind(forTopic: message.topic) else { return .skipped(.unknownTopic) }
        guard let bytes = message.value else { return .skipped(.tombstone) }
        let data = Data(bytes)
        let envelope: EventEnvelope
        do {
            // Canonical envelopes (nearly all messages) take the decoder's byte-level fast path.
            envelope = try EventEnvelope.decode(from: data, registry: names.registry)
        } catch {
            switch error {
            case .malformedJSON: return .skipped(.malformedJSON)
            case .unknownType: return .skipped(.unknownType)
            case .unsupportedSchemaVersion: return .skipped(.unsupportedSchemaVersion)
            case .invalid:
                // Parsed successfully once already, so this parse succeeds too.
                guard let value = try? JSONValue.parse(data), Self.looksLikeLegacyPayload(value) else {
                    return .skipped(.invalidEvent)
                }
                return legacyItem(value, kind: topicKind, message: message)
            }
        }
        guard envelope.type == topicKind.eventType else { return .skipped(.topicMismatch) }
        return .event(CountableEvent(envelope: envelope, policy: policy))
    }

    /// The reference relay's payload: `topic` and `uuid`, none of the envelope's own fields.
    static func looksLikeLegacyPayload(_ value: JSONValue) -> Bool {
        guard let root = value.objectValue else { return false }
        return root["topic"] != nil && root["uuid"] != nil && root["schemaVersion"] == nil
            && root["receivedAt"] == nil
    }

    private func legacyItem(
        _ value: JSONValue, kind: any EventProperties.Type, message: KafkaMessage
    ) -> DecodedMessage.Item {
        let parser = EventParser(registry: names.registry)
        switch parser.parse(value, type: kind.eventType, source: .legacy, receivedAt: message.timestamp ?? Date()) {
        case .success(let envelope): return .event(CountableEvent(envelope: envelope, policy: policy))
        case .failure: return .skipped(.invalidEvent)
        }
    }
}
