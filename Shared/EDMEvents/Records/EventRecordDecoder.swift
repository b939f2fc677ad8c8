import Foundation

/// The one way a consumer turns a Kafka record into an event, or a ``SkipReason``. Never throws
/// and never traps: anything can be produced to a topic, and one bad record must not stop a
/// partition or make two consumers disagree about it.
///
/// Accepts:
/// - canonical envelopes (what the relay writes, `source` v1 or legacy), on their own type's topic;
/// - the reference relay's raw payloads (`{topic, uuid, event_timestamp, properties}`), written
///   by another Kafka client during a migration. They are mapped exactly as the relay's legacy
///   routes map them, with the record's Kafka timestamp as `receivedAt` and an id derived from
///   the record's position (``RecordEventID``), so every consumer, and every redelivery, gives
///   the same event the same id.
public struct EventRecordDecoder: Sendable {
    public let names: KafkaNames
    public let limits: ValidationLimits

    public init(names: KafkaNames, limits: ValidationLimits = .default) {
        self.names = names
        self.limits = limits
    }

    public func decode(_ record: EventRecord) -> Result<EventEnvelope, SkipReason> {
        guard let topicKind = names.kind(forTopic: record.topic) else { return .failure(.unknownTopic) }
        guard let bytes = record.value else { return .failure(.tombstone) }
        let data = Data(bytes)
        let envelope: EventEnvelope
        do {
            // Canonical envelopes (nearly all records) take the decoder's byte-level fast path.
            envelope = try EventEnvelope.decode(from: data, registry: names.registry, limits: limits)
        } catch {
            switch error {
            case .malformedJSON: return .failure(.malformedJSON)
            case .unknownType: return .failure(.unknownType)
            case .unsupportedSchemaVersion: return .failure(.unsupportedSchemaVersion)
            case .invalid: return legacyEvent(data, kind: topicKind, record: record)
            }
        }
        guard envelope.type == topicKind.eventType else { return .failure(.topicMismatch) }
        return .success(envelope)
    }

    /// The reference relay's payload: `topic` and `uuid`, none of the envelope's own fields.
    public static func looksLikeLegacyPayload(_ value: JSONValue) -> Bool {
        guard let root = value.objectValue else { return false }
        return root["topic"] != nil && root["uuid"] != nil && root["schemaVersion"] == nil
            && root["receivedAt"] == nil
    }

    private func legacyEvent(
        _ data: Data, kind: any EventProperties.Type, record: EventRecord
    ) -> Result<EventEnvelope, SkipReason> {
        // Parsed successfully once already, so this parse succeeds too.
        guard let value = try? JSONValue.parse(data), Self.looksLikeLegacyPayload(value) else {
            return .failure(.invalidEvent)
        }
        let id = RecordEventID.make(topic: record.topic, partition: record.partition, offset: record.offset)
        let parser = EventParser(registry: names.registry, limits: limits, makeID: { id })
        let receivedAt = record.timestampMilliseconds.map(EventTimestamp.date(fromMilliseconds:)) ?? Date()
        switch parser.parse(value, type: kind.eventType, source: .legacy, receivedAt: receivedAt) {
        case .success(let envelope): return .success(envelope)
        case .failure: return .failure(.invalidEvent)
        }
    }
}
