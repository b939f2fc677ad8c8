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
        var decoded: EventEnvelope?
        let reason = visit(
            record,
            fast: { fields in
                decoded = fields.envelope()
                return decoded != nil
            },
            general: { decoded = $0 })
        if let reason { return .failure(reason) }
        guard let decoded else { return .failure(.invalidEvent) }  // `visit` gave one: unreachable
        return .success(decoded)
    }

    /// The same decision as ``decode(_:)`` (the same rules, the same ``SkipReason``s), giving
    /// `project` of the accepted event instead of its envelope. On the fast path (what the relay
    /// writes) the fields are read in place, so a consumer that needs only a few of them pays for
    /// no envelope, `Date`s, typed properties or strings it does not read.
    @inlinable
    public func decode<Value>(_ record: EventRecord, projecting project: (EventFields) -> Value) -> Result<Value, SkipReason> {
        // Inlined so the caller's specialisation does the generic part; the decoding is not generic.
        var projected: Value?
        let reason = visit(
            record,
            fast: { fields in
                projected = project(fields)
                return true
            },
            general: { projected = project(EventFields($0)) })
        if let reason { return .failure(reason) }
        guard let projected else { return .failure(.invalidEvent) }  // `visit` gave one: unreachable
        return .success(projected)
    }

    /// Decides `record`: nil after handing the accepted event to `fast` (fields of what the
    /// canonical fast path accepted; false lets the general path decide instead) or to `general`
    /// (the general path's envelope), else the reason to skip it.
    @usableFromInline
    func visit(_ record: EventRecord, fast: (EventFields) -> Bool, general: (EventEnvelope) -> Void) -> SkipReason? {
        guard let topicKind = kind(forTopic: record.topic) else { return .unknownTopic }
        guard let bytes = record.value else { return .tombstone }
        // Canonical envelopes (nearly all records) take the byte-level fast path, in place.
        let accepted = bytes.withUnsafeBufferPointer { buffer -> SkipReason?? in
            guard let fields = CanonicalEnvelopeDecoder.fields(buffer, registry: names.registry, limits: limits),
                fast(fields)
            else { return nil }
            return .some(fields.type == topicKind.eventType ? nil : .topicMismatch)
        }
        if let accepted { return accepted }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(bytes))
        } catch {
            return .malformedJSON
        }
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope.decode(value, registry: names.registry, limits: limits)
        } catch {
            switch error {
            case .malformedJSON: return .malformedJSON
            case .unknownType: return .unknownType
            case .unsupportedSchemaVersion: return .unsupportedSchemaVersion
            case .invalid:
                switch legacyEvent(value, kind: topicKind, record: record) {
                case .success(let legacy):
                    general(legacy)
                    return nil
                case .failure(let reason):
                    return reason
                }
            }
        }
        guard envelope.type == topicKind.eventType else { return .topicMismatch }
        general(envelope)
        return nil
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
