import Foundation

/// One event as every service sees it: what the relay writes to Kafka, what stream pushes to
/// browsers, what stats stores.
///
/// Wire format (JSON, keys sorted, see ``EventJSON``):
///
/// ```json
/// {"extras": {...},                              // optional, legacy only, see EventExtras
///  "id": "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f",  // dedupe key; client-supplied or relay-assigned
///  "occurredAt": "2024-05-01T12:00:00.123Z",      // client clock
///  "properties": {"buttonId": "the-camper's-kit"},// typed per `type`, see EventProperties
///  "receivedAt": "2024-05-01T12:00:00.456Z",      // relay clock
///  "schemaVersion": 1,
///  "sessionId": "…",                              // page-view id (legacy `uuid`); the Kafka key
///  "source": "v1",                                // or "legacy"
///  "type": "click"}
/// ```
///
/// Timestamps are RFC 3339 UTC with milliseconds and are held at millisecond precision (the
/// initializer rounds), so an envelope equals itself after an encode/decode round trip.
/// `occurredAt` is the client's claim and may be skewed; `receivedAt` is trustworthy ordering
/// within the relay. The JSON Schema for each type is ``EventSchemas/document(for:form:)``.
///
/// Build envelopes from untrusted input with ``EventParser``; read them from Kafka with
/// ``decode(from:registry:limits:)``; write them with ``jsonData()``. The public initializer is
/// for trusted code (tests, tools) and does not validate.
public struct EventEnvelope: Sendable {
    /// The version this library writes. Bumped only for incompatible changes; a consumer meeting a
    /// newer version gets ``EventDecodingError/unsupportedSchemaVersion(_:)``, not a wrong guess.
    public static let currentSchemaVersion = 1

    public let schemaVersion: Int
    /// Unique per event; consumers use it to drop redelivered duplicates.
    public let id: UUID
    public let occurredAt: Date
    public let receivedAt: Date
    /// The page view the event belongs to (legacy `uuid`). Also the Kafka message key, so one page
    /// view's events stay in order on one partition.
    public let sessionId: String
    public let source: EventSource
    /// The typed payload; read it with ``properties(as:)``.
    public let properties: any EventProperties
    public let extras: EventExtras

    public init<Properties: EventProperties>(
        id: UUID = UUID(), occurredAt: Date, receivedAt: Date, sessionId: String,
        source: EventSource = .v1, properties: Properties, extras: EventExtras = .none
    ) {
        self.init(
            schemaVersion: Self.currentSchemaVersion, id: id, occurredAt: occurredAt,
            receivedAt: receivedAt, sessionId: sessionId, source: source,
            anyProperties: properties, extras: extras)
    }

    init(
        schemaVersion: Int, id: UUID, occurredAt: Date, receivedAt: Date, sessionId: String,
        source: EventSource, anyProperties: any EventProperties, extras: EventExtras
    ) {
        self.schemaVersion = schemaVersion
        self.id = id
        self.occurredAt = EventTimestamp.rounded(occurredAt)
        self.receivedAt = EventTimestamp.rounded(receivedAt)
        self.sessionId = sessionId
        self.source = source
        self.properties = anyProperties
        self.extras = extras
    }

    /// The event type (`click`, `pageload`); always the type of ``properties``.
    public var type: String { kind.eventType }

    public var kind: any EventProperties.Type { Swift.type(of: properties) }

    /// The properties as `kind`, or nil when the event is of another type.
    public func properties<Properties: EventProperties>(as kind: Properties.Type) -> Properties? {
        properties as? Properties
    }

    /// The same event under another id (the relay derives ids from an Idempotency-Key).
    public func withID(_ id: UUID) -> EventEnvelope {
        EventEnvelope(
            schemaVersion: schemaVersion, id: id, occurredAt: occurredAt, receivedAt: receivedAt, sessionId: sessionId,
            source: source, anyProperties: properties, extras: extras)
    }

    /// The Kafka message key: the session id, so a session's events keep their order.
    public var partitionKey: String { sessionId }

    /// The canonical JSON bytes (what goes to Kafka).
    public func jsonData() -> Data { jsonValue.serialized() }

    /// The envelope as a JSON tree (for embedding in other documents).
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "schemaVersion": .integer(Int64(schemaVersion)),
            "id": .string(id.uuidString.lowercased()),
            "type": .string(type),
            "occurredAt": .string(EventTimestamp.string(from: occurredAt)),
            "receivedAt": .string(EventTimestamp.string(from: receivedAt)),
            "sessionId": .string(sessionId),
            "source": .string(source.rawValue),
            "properties": .object(properties.fieldValues),
        ]
        if !extras.isEmpty { members["extras"] = extras.jsonValue }
        return .object(members)
    }

    /// The fields of an envelope of `kind` (nil: the kind is unknown, so `properties` may be any
    /// object and `type` is checked separately). Shared by validator and schema generator.
    public static func fieldRules(for kind: (any EventProperties.Type)?) -> [FieldRule] {
        var rules: [FieldRule] = [
            FieldRule(
                "schemaVersion", .integer(Int64(currentSchemaVersion)...Int64(currentSchemaVersion)),
                request: .optional, envelope: .required,
                summary: "Envelope format version; clients may omit it."),
            FieldRule(
                "id", .uuid, request: .optional, envelope: .required,
                summary: "Unique event id used to drop duplicates; the relay assigns one when the "
                    + "client sends none. A client retrying a request should resend the same id."),
            .client(
                "occurredAt", .timestamp, required: true, legacyName: "event_timestamp",
                summary: "When the event happened, by the client's clock. Must not be before "
                    + "2000-01-01 or more than the configured skew (default 24 h) after receivedAt."),
            FieldRule(
                "receivedAt", .timestamp, request: .forbidden, envelope: .required,
                summary: "When the relay accepted the event, by the relay's clock."),
            .client(
                "sessionId", .text(1...128), required: true, legacyName: "uuid",
                summary: "The page-view id (legacy uuid); the Kafka message key."),
            FieldRule(
                "source", .oneOf(EventSource.self), request: .forbidden, envelope: .required,
                summary: "The inbound API: v1 or legacy."),
            FieldRule(
                "extras", .object(EventExtras.fieldRules), request: .forbidden, envelope: .optional,
                summary: "Parts of a legacy payload without a typed field, kept verbatim."),
        ]
        if let kind {
            rules.insert(
                FieldRule(
                    "type", .constant(kind.eventType), request: .optional, envelope: .required,
                    summary: "The event type; in requests the route decides it and this may be omitted."),
                at: 2)
            rules.append(
                .client("properties", .object(kind.fieldRules), required: true, summary: kind.summary))
        } else {
            rules.append(.client("properties", .anyObject, required: true, summary: "Typed per type."))
        }
        return rules
    }
}

extension EventEnvelope: Hashable {
    public static func == (lhs: EventEnvelope, rhs: EventEnvelope) -> Bool {
        lhs.schemaVersion == rhs.schemaVersion && lhs.id == rhs.id && lhs.occurredAt == rhs.occurredAt
            && lhs.receivedAt == rhs.receivedAt && lhs.sessionId == rhs.sessionId
            && lhs.source == rhs.source && lhs.extras == rhs.extras
            && lhs.properties.isEqual(to: rhs.properties)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(type)
        hasher.combine(occurredAt)
        hasher.combine(receivedAt)
        hasher.combine(sessionId)
        hasher.combine(source)
        hasher.combine(extras)
        properties.hash(into: &hasher)
    }
}

extension EventEnvelope: CustomStringConvertible {
    public var description: String { String(decoding: jsonData(), as: UTF8.self) }
}
