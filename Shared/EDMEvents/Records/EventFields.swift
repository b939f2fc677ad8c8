import Foundation

/// One event that passed every rule of the shared decoder, read field by field: what a consumer
/// that needs only a few fields (stats: type, id, times, one property) projects from a record
/// with ``EventRecordDecoder/decode(_:projecting:)``, without building an ``EventEnvelope``,
/// `Date`s or typed properties.
///
/// On the fast path (the canonical bytes the relay writes) the fields are read in place from the
/// record's buffer: a value is valid only inside the projection closure it is passed to. Every
/// other accepted record (another key order, escapes, a reference-relay payload) went through
/// the general path and is read from its envelope, so both give the same answers.
///
/// Properties are read by their v1 name as the strings the kind's rules accepted. The typed
/// `init(fields:)` of the kind is not run on the fast path; by the ``EventProperties`` contract
/// it accepts whatever passed the rules (the relay's request fast path relies on the same).
public struct EventFields {
    public let kind: any EventProperties.Type
    public let id: UUID
    /// `occurredAt` and `receivedAt` in milliseconds since 1970 (the precision envelopes hold).
    public let occurredAtMilliseconds: Int64
    public let receivedAtMilliseconds: Int64
    public let source: EventSource
    private let storage: Storage

    private enum Storage {
        /// The validated bytes: the session id's text, and the index after the opening brace of
        /// `properties` (string members, keys ascending, no escapes).
        case canonical(JSONBytes, sessionId: ByteText, properties: Int)
        case envelope(EventEnvelope)
    }

    init(
        kind: any EventProperties.Type, id: UUID, occurredAtMilliseconds: Int64, receivedAtMilliseconds: Int64,
        source: EventSource, bytes: JSONBytes, sessionId: ByteText, properties: Int
    ) {
        self.kind = kind
        self.id = id
        self.occurredAtMilliseconds = occurredAtMilliseconds
        self.receivedAtMilliseconds = receivedAtMilliseconds
        self.source = source
        storage = .canonical(bytes, sessionId: sessionId, properties: properties)
    }

    /// The fields of a decoded envelope.
    public init(_ envelope: EventEnvelope) {
        kind = envelope.kind
        id = envelope.id
        occurredAtMilliseconds = EventTimestamp.milliseconds(from: envelope.occurredAt)
        receivedAtMilliseconds = EventTimestamp.milliseconds(from: envelope.receivedAt)
        source = envelope.source
        storage = .envelope(envelope)
    }

    /// The event type (`click`, `pageload`).
    public var type: String { kind.eventType }

    /// True when the event is of `other` kind (an identity check, no string comparison).
    public func isKind(_ other: any EventProperties.Type) -> Bool {
        ObjectIdentifier(kind) == ObjectIdentifier(other)
    }

    public var sessionId: String {
        switch storage {
        case .canonical(let bytes, let sessionId, _): bytes.string(sessionId) ?? ""
        case .envelope(let envelope): envelope.sessionId
        }
    }

    /// The string value of the property named `name` (v1 name), nil when the event has none.
    public func string(_ name: String) -> String? {
        switch storage {
        case .canonical(let bytes, _, let start):
            return CanonicalProperties(bytes: bytes, start: start).first { bytes.equals($0.key, name) }
                .flatMap { bytes.string($0.value) }
        case .envelope(let envelope):
            return envelope.properties.fieldValues[name]?.stringValue
        }
    }

    /// The envelope these fields describe: built on the fast path (nil when the kind's typed
    /// init refuses what its rules accepted, a broken kind: the general path then decides).
    func envelope() -> EventEnvelope? {
        switch storage {
        case .envelope(let envelope):
            return envelope
        case .canonical(let bytes, let sessionText, let start):
            var values: [String: JSONValue] = [:]
            for member in CanonicalProperties(bytes: bytes, start: start) {
                guard let key = bytes.string(member.key), let value = bytes.string(member.value) else { return nil }
                values[key] = .string(value)
            }
            guard let sessionId = bytes.string(sessionText),
                let typed = try? kind.init(fields: FieldReader(values, path: "properties"))
            else { return nil }
            return EventEnvelope(
                schemaVersion: EventEnvelope.currentSchemaVersion, id: id,
                occurredAt: EventTimestamp.date(fromMilliseconds: occurredAtMilliseconds),
                receivedAt: EventTimestamp.date(fromMilliseconds: receivedAtMilliseconds), sessionId: sessionId,
                source: source, anyProperties: typed, extras: .none)
        }
    }
}

/// The members of a canonical `properties` object already checked by the fast path (string
/// keys and values, no whitespace), from the index after its opening brace.
struct CanonicalProperties: Sequence, IteratorProtocol {
    let bytes: JSONBytes
    var index: Int

    init(bytes: JSONBytes, start: Int) {
        self.bytes = bytes
        index = start
    }

    mutating func next() -> (key: ByteText, value: ByteText)? {
        guard index < bytes.count, bytes[index] != UInt8(ascii: "}"),
            let (key, keyEnd) = bytes.text(at: index), keyEnd < bytes.count,
            let (value, valueEnd) = bytes.text(at: keyEnd + 1)
        else { return nil }
        // After the value: `,` and the next member, or the closing brace.
        index = valueEnd < bytes.count && bytes[valueEnd] == UInt8(ascii: ",") ? valueEnd + 1 : valueEnd
        return (key, value)
    }
}
