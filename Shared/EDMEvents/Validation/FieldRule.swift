/// One field of an event document, described as data.
///
/// These descriptors are the single source of truth for a field: the validator
/// (`RuleChecker`), the JSON Schema generator (``EventSchemas``) and the legacy mapper all read
/// them, so the published schema cannot drift from what the relay accepts.
public struct FieldRule: Sendable, Hashable {
    /// The field's key in v1 JSON.
    public let name: String
    /// The key in the legacy (Node.js relay) payload, nil when the legacy format has no such field.
    public let legacyName: String?
    public let value: ValueRule
    /// Whether a v1 client must, may or must not send the field.
    public let request: Presence
    /// Whether the field must be present in an envelope read from Kafka.
    public let envelope: Presence
    /// One sentence for API users; becomes the schema's `description`.
    public let summary: String

    public init(
        _ name: String, _ value: ValueRule, request: Presence, envelope: Presence,
        legacyName: String? = nil, summary: String
    ) {
        self.name = name
        self.legacyName = legacyName
        self.value = value
        self.request = request
        self.envelope = envelope
        self.summary = summary
    }

    /// A field the client sends and the envelope keeps (`required` or `optional` in both).
    public static func client(
        _ name: String, _ value: ValueRule, required: Bool, legacyName: String? = nil, summary: String
    ) -> FieldRule {
        let presence: Presence = required ? .required : .optional
        return FieldRule(
            name, value, request: presence, envelope: presence, legacyName: legacyName, summary: summary)
    }

    /// A field the relay computes: forbidden in requests, required in envelopes.
    public static func derived(_ name: String, _ value: ValueRule, summary: String) -> FieldRule {
        FieldRule(name, value, request: .forbidden, envelope: .required, summary: summary)
    }

    public func presence(in form: EventForm) -> Presence {
        switch form {
        case .request: request
        case .envelope: envelope
        }
    }
}

public enum Presence: String, Sendable, Hashable {
    case required
    case optional
    /// Set by the relay; a client that sends it gets a `readOnly` violation.
    case forbidden
}

/// Which document a rule set is applied to.
public enum EventForm: String, Sendable, Hashable, CaseIterable {
    /// What a v1 client POSTs to the relay (no `receivedAt`, `source`, derived fields).
    case request
    /// What the relay writes to Kafka and consumers read.
    case envelope
}

/// The allowed values of a field.
public indirect enum ValueRule: Sendable, Hashable {
    case text(TextRule)
    /// A string from a fixed list (a Swift enum's raw values).
    case oneOf([String])
    /// Exactly this string.
    case constant(String)
    case integer(ClosedRange<Int64>)
    /// A JSON `true` or `false`.
    case boolean
    /// A JSON object with exactly these fields (unknown keys are violations).
    case object([FieldRule])
    /// Any JSON object (verbatim legacy extras).
    case anyObject
}

/// A string field: its length counted in Unicode scalars (what JSON Schema's `maxLength`
/// counts; an emoji is one, a flag two) and its format.
public struct TextRule: Sendable, Hashable {
    public let length: ClosedRange<Int>
    public let format: TextFormat

    public init(length: ClosedRange<Int>, format: TextFormat = .plain) {
        self.length = length
        self.format = format
    }
}

extension ValueRule {
    public static func text(_ length: ClosedRange<Int>, _ format: TextFormat = .plain) -> ValueRule {
        .text(TextRule(length: length, format: format))
    }

    /// An identifier: 36 characters, see ``TextFormat/uuid``.
    public static let uuid = ValueRule.text(36...36, .uuid)
    /// An RFC 3339 timestamp, see ``TextFormat/timestamp``.
    public static let timestamp = ValueRule.text(20...35, .timestamp)

    /// The raw values of a string enum, in declaration order.
    public static func oneOf<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> ValueRule
    where E.RawValue == String {
        .oneOf(type.allCases.map(\.rawValue))
    }
}
