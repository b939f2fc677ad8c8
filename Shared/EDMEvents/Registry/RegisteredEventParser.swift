import Foundation

/// Validates a v1 request event of a registered type and writes its canonical envelope: the
/// built-in envelope fields with the built-in rules and messages, `properties` with the type's
/// compiled validator, plus `typeVersion` (the registered schema version the event was checked
/// against; the envelope's own `schemaVersion` stays the envelope format version, which
/// consumers use to refuse formats they do not know).
public struct RegisteredEventParser: Sendable {
    public var limits: ValidationLimits
    public var makeID: @Sendable () -> UUID

    public init(limits: ValidationLimits = .default, makeID: @escaping @Sendable () -> UUID = { UUID() }) {
        self.limits = limits
        self.makeID = makeID
    }

    /// The envelope key holding the registered schema version.
    public static let typeVersionKey = "typeVersion"

    /// The envelope rules without `properties` (checked by the compiled validator) and `type`
    /// (the caller dispatched on it).
    private static let envelopeRules: [FieldRule] = EventEnvelope.fieldRules(for: nil).filter { $0.name != "properties" }
        + [FieldRule(typeVersionKey, .integer(1...Int64(Int32.max)), request: .forbidden, envelope: .required, summary: "")]

    /// - Parameter deriveID: the id for an event sent without one when the request has an
    ///   Idempotency-Key (the same on a retry); nil: a random one from `makeID`.
    public func parse(
        _ value: JSONValue, as compiled: CompiledType, receivedAt: Date, deriveID: (() -> UUID)? = nil
    ) -> Result<RegisteredEvent, ValidationFailure> {
        guard case .object(var root) = value else {
            return .failure(
                ValidationFailure([
                    Violation(path: "", code: .wrongType, message: "an event must be a JSON object, not \(value.typeName)")
                ]))
        }
        let receivedAt = EventTimestamp.rounded(receivedAt)
        var violations: [Violation] = []
        root["type"] = nil
        let properties = root.removeValue(forKey: "properties")
        let checked = RuleChecker(form: .request).check(object: root, rules: Self.envelopeRules, at: .root, into: &violations)
        if let properties {
            compiled.validator.check(properties: properties, into: &violations)
        } else {
            violations.append(Violation(path: "properties", code: .required, message: "is required"))
        }
        let occurredAt = checked.fields["occurredAt"]?.stringValue.flatMap(EventTimestamp.date(from:))
        if let occurredAt, let violation = limits.timeViolation(occurredAt: occurredAt, receivedAt: receivedAt, path: "occurredAt") {
            violations.append(violation)
        }
        guard violations.isEmpty, let occurredAt, let properties, let sessionId = checked.fields["sessionId"]?.stringValue else {
            return .failure(ValidationFailure(violations))
        }
        let id = checked.fields["id"]?.stringValue.flatMap(UUID.init(uuidString:)) ?? deriveID?() ?? makeID()
        let type = compiled.type
        let envelope: JSONValue = .object([
            "schemaVersion": .integer(Int64(EventEnvelope.currentSchemaVersion)),
            Self.typeVersionKey: .integer(Int64(type.version)),
            "id": .string(id.uuidString.lowercased()),
            "type": .string(type.name),
            "occurredAt": .string(EventTimestamp.string(from: occurredAt)),
            "receivedAt": .string(EventTimestamp.string(from: receivedAt)),
            "sessionId": .string(sessionId),
            "source": .string(EventSource.v1.rawValue),
            "properties": properties,
        ])
        let key = type.keyField.flatMap { properties[$0]?.stringValue } ?? sessionId
        return .success(
            RegisteredEvent(type: type.name, typeVersion: type.version, id: id, key: Array(key.utf8), json: envelope.serializedBytes()))
    }
}

/// One accepted event of a registered type, as the producer needs it.
public struct RegisteredEvent: Sendable, Hashable {
    public let type: String
    public let typeVersion: Int
    public let id: UUID
    /// The key field's value (or the session id), the Kafka message key.
    public let key: [UInt8]
    /// The canonical envelope bytes.
    public let json: [UInt8]
}
