/// The typed payload of one event type, and the description of that type.
///
/// A conforming struct *is* the event kind: its static members name the type, its topic and its
/// field rules; its instances are the `properties` of an envelope. Adding an event type means
/// one new file with one conforming struct (copy `ClickProperties.swift`) plus one line in
/// ``EventRegistry/standard``; the relay routes, schemas, topic lists and consumers' decoding
/// then include it.
///
/// Contract for conformers (checked for every registered kind by the test suite):
/// - `fieldRules` lists every key `fieldValues` can produce, with v1 names;
/// - `init(fields:)` only reads keys listed in `fieldRules`; it runs after the rules passed, so
///   its reads succeed unless the rules and the init disagree (which then surfaces as a
///   violation, never a trap);
/// - `example` populates every optional field (it feeds the schema's `examples` and the tests).
public protocol EventProperties: Sendable, Hashable {
    /// The envelope's `type`, e.g. `click`. Lowercase, stable: it is stored with every event.
    static var eventType: String { get }
    /// The Kafka topic before `KAFKA_PREFIX`, e.g. `edm-ui-click` (also the legacy `topic`).
    static var topicBase: String { get }
    /// What the event means, for the schema's description.
    static var summary: String { get }
    /// The fields of `properties`.
    static var fieldRules: [FieldRule] { get }
    /// A fully populated instance.
    static var example: Self { get }

    /// Builds the value from fields that passed `fieldRules`, keyed by v1 name. In the request
    /// form, fields the relay derives (request presence `.forbidden`) are absent and must be
    /// computed here.
    init(fields: FieldReader) throws(ValidationFailure)

    /// The JSON members of `properties`, keyed by v1 name; optional fields that are nil are left out.
    var fieldValues: [String: JSONValue] { get }
}

extension EventProperties {
    /// Compares with properties of possibly another kind (envelopes hold them as `any`).
    func isEqual(to other: any EventProperties) -> Bool {
        (other as? Self) == self
    }
}

/// Typed access to the fields of a `properties` object that passed its rules.
public struct FieldReader: Sendable {
    private let values: [String: JSONValue]
    private let path: String

    init(_ values: [String: JSONValue], path: String) {
        self.values = values
        self.path = path
    }

    public subscript(name: String) -> JSONValue? { values[name] }

    /// A string the rules require; throws (instead of trapping) if the rules let it through
    /// missing, which would be a bug in the kind's rules.
    public func string(_ name: String) throws(ValidationFailure) -> String {
        guard let value = values[name]?.stringValue else {
            throw ValidationFailure([
                Violation(
                    path: path.isEmpty ? name : "\(path).\(name)", code: .required,
                    message: "is required (the event type's rules did not enforce it)")
            ])
        }
        return value
    }

    public func optionalString(_ name: String) -> String? {
        values[name]?.stringValue
    }
}
