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
    /// Each registered topic as named on the cluster, looked up before ``KafkaNames`` (which
    /// strips the prefix of every record's topic to find its kind).
    private let topics: [(name: String, kind: any EventProperties.Type)]

    public init(names: KafkaNames, limits: ValidationLimits = .default) {
        self.names = names
        self.limits = limits
        topics = names.registry.kinds.map { (names.topic(for: $0), $0) }
    }

    public func decode(_ record: EventRecord) -> Result<EventEnvelope, SkipReason> {
        decode(record, fast: { $0.envelope() }, general: { $0 })
    }

    /// The same decision as ``decode(_:)`` (the same rules, the same ``SkipReason``s), giving
    /// `project` of the accepted event instead of its envelope. On the fast path (what the relay
    /// writes) the fields are read in place, so a consumer that needs only a few of them pays for
    /// no envelope, `Date`s, typed properties or strings it does not read.
    public func decode<Value>(_ record: EventRecord, projecting project: (EventFields) -> Value) -> Result<Value, SkipReason> {
        decode(record, fast: { project($0) }, general: { project(EventFields($0)) })
    }

    /// `fast` turns what the canonical fast path accepted into a value (nil: let the general
    /// path decide); `general` what the general path accepted.
    private func decode<Value>(
        _ record: EventRecord, fast: (EventFields) -> Value?, general: (EventEnvelope) -> Value
    ) -> Result<Value, SkipReason> {
        guard let topicKind = kind(forTopic: record.topic) else { return .failure(.unknownTopic) }
        guard let bytes = record.value else { return .failure(.tombstone) }
        // Canonical envelopes (nearly all records) take the byte-level fast path, in place.
        let accepted = bytes.withUnsafeBufferPointer { buffer -> Result<Value, SkipReason>? in
            guard let fields = CanonicalEnvelopeDecoder.fields(buffer, registry: names.registry, limits: limits),
                let value = fast(fields)
            else { return nil }
            return fields.type == topicKind.eventType ? .success(value) : .failure(.topicMismatch)
        }
        if let accepted { return accepted }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(bytes))
        } catch {
            return .failure(.malformedJSON)
        }
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope.decode(value, registry: names.registry, limits: limits)
        } catch {
            switch error {
            case .malformedJSON: return .failure(.malformedJSON)
            case .unknownType: return .failure(.unknownType)
            case .unsupportedSchemaVersion: return .failure(.unsupportedSchemaVersion)
            case .invalid: return legacyEvent(value, kind: topicKind, record: record).map(general)
            }
        }
        guard envelope.type == topicKind.eventType else { return .failure(.topicMismatch) }
        return .success(general(envelope))
    }

    private func kind(forTopic topic: String) -> (any EventProperties.Type)? {
        topics.first { $0.name == topic }?.kind ?? names.kind(forTopic: topic)
    }

    /// The reference relay's payload: `topic` and `uuid`, none of the envelope's own fields.
    public static func looksLikeLegacyPayload(_ value: JSONValue) -> Bool {
        guard let root = value.objectValue else { return false }
        return root["topic"] != nil && root["uuid"] != nil && root["schemaVersion"] == nil
            && root["receivedAt"] == nil
    }

    private func legacyEvent(
        _ value: JSONValue, kind: any EventProperties.Type, record: EventRecord
    ) -> Result<EventEnvelope, SkipReason> {
        guard Self.looksLikeLegacyPayload(value) else { return .failure(.invalidEvent) }
        let id = RecordEventID.make(topic: record.topic, partition: record.partition, offset: record.offset)
        let parser = EventParser(registry: names.registry, limits: limits, makeID: { id })
        let receivedAt = record.timestampMilliseconds.map(EventTimestamp.date(fromMilliseconds:)) ?? Date()
        switch parser.parse(value, type: kind.eventType, source: .legacy, receivedAt: receivedAt) {
        case .success(let envelope): return .success(envelope)
        case .failure: return .failure(.invalidEvent)
        }
    }
}
