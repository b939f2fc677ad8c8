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
        guard case .object(let root) = value else {
            return .failure(
                ValidationFailure([
                    Violation(path: "", code: .wrongType, message: "an event must be a JSON object, not \(value.typeName)")
                ]))
        }
        let receivedAt = EventTimestamp.rounded(receivedAt)
        var violations: [Violation] = []
        let properties = root["properties"]
        if let properties {
            compiled.validator.check(properties: properties, into: &violations)
        } else {
            violations.append(Violation(path: "properties", code: .required, message: "is required"))
        }
        // The usual envelope is checked without building paths or a field table; anything
        // else (every invalid one included) goes through the built-in rules for their messages.
        let fields = Self.usualEnvelope(root) ?? checkedEnvelope(root, into: &violations)
        var occurredAt: Date?
        if let milliseconds = fields.occurredAt {
            let date = EventTimestamp.date(fromMilliseconds: milliseconds)
            if let violation = limits.timeViolation(occurredAt: date, receivedAt: receivedAt, path: "occurredAt") {
                violations.append(violation)
            } else {
                occurredAt = date
            }
        }
        guard violations.isEmpty, let occurredAt, let properties, let sessionId = fields.sessionId else {
            return .failure(ValidationFailure(violations))
        }
        let id = fields.id ?? deriveID?() ?? makeID()
        let type = compiled.type
        let key = type.keyField.flatMap { properties[$0]?.stringValue } ?? sessionId
        return .success(
            RegisteredEvent(
                type: type.name, typeVersion: type.version, id: id, key: Array(key.utf8),
                json: Self.envelopeBytes(
                    id: id, occurredAt: occurredAt, properties: properties, receivedAt: receivedAt, sessionId: sessionId,
                    type: type)))
    }

    struct EnvelopeFields {
        var id: UUID?
        /// Milliseconds since 1970.
        var occurredAt: Int64?
        var sessionId: String?
    }

    /// The fields of an envelope that has only valid known keys and both required ones; nil
    /// for anything else.
    static func usualEnvelope(_ root: [String: JSONValue]) -> EnvelopeFields? {
        var fields = EnvelopeFields()
        for (key, value) in root {
            switch key {
            case "type", "properties":
                continue
            case "schemaVersion":
                guard value.int64Value == Int64(EventEnvelope.currentSchemaVersion) else { return nil }
            case "id":
                guard case .string(let text) = value, let id = UUID(uuidString: text), TextFormat.uuid.problem(with: text) == nil else {
                    return nil
                }
                fields.id = id
            case "occurredAt":
                guard case .string(let text) = value, (20...35).contains(text.utf8.count), text.utf8.allSatisfy({ $0 < 0x80 }),
                    let milliseconds = EventTimestamp.milliseconds(from: text)
                else { return nil }
                fields.occurredAt = milliseconds
            case "sessionId":
                guard case .string(let text) = value, !text.isEmpty, text.utf8.count <= 128,
                    text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F && $0 < 0x80 })
                else { return nil }
                fields.sessionId = text
            default:
                return nil
            }
        }
        return fields.occurredAt == nil || fields.sessionId == nil ? nil : fields
    }

    /// The built-in rules applied to the envelope fields (without `properties`, which the
    /// compiled validator checks, and `type`, which the caller dispatched on).
    private func checkedEnvelope(_ root: [String: JSONValue], into violations: inout [Violation]) -> EnvelopeFields {
        var rest = root
        rest["type"] = nil
        rest["properties"] = nil
        let checked = RuleChecker(form: .request).check(object: rest, rules: Self.envelopeRules, at: .root, into: &violations)
        return EnvelopeFields(
            id: checked.fields["id"]?.stringValue.flatMap(UUID.init(uuidString:)),
            occurredAt: checked.fields["occurredAt"]?.stringValue.flatMap(EventTimestamp.milliseconds(from:)),
            sessionId: checked.fields["sessionId"]?.stringValue)
    }

    /// The canonical envelope (keys sorted, as ``JSONValue/serialized(pretty:)`` writes them),
    /// written directly.
    static func envelopeBytes(
        id: UUID, occurredAt: Date, properties: JSONValue, receivedAt: Date, sessionId: String, type: RegisteredType
    ) -> [UInt8] {
        envelopeBytes(
            id: id, occurredAt: occurredAt, receivedAt: receivedAt, sessionId: sessionId, type: type,
            writeProperties: { properties.appendCanonical(to: &$0) })
    }

    static func envelopeBytes(
        id: UUID, occurredAt: Date, receivedAt: Date, sessionId: String, type: RegisteredType,
        writeProperties: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        func key(_ name: StaticString) {
            output.append(UInt8(ascii: output.isEmpty ? "{" : ","))
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            output.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        key("id")
        JSONValue.writeString(id.uuidString.lowercased(), to: &output)
        key("occurredAt")
        JSONValue.writeString(EventTimestamp.string(from: occurredAt), to: &output)
        key("properties")
        writeProperties(&output)
        key("receivedAt")
        JSONValue.writeString(EventTimestamp.string(from: receivedAt), to: &output)
        key("schemaVersion")
        output.append(contentsOf: Array(String(EventEnvelope.currentSchemaVersion).utf8))
        key("sessionId")
        JSONValue.writeString(sessionId, to: &output)
        key("source")
        JSONValue.writeString(EventSource.v1.rawValue, to: &output)
        key("type")
        JSONValue.writeString(type.name, to: &output)
        key(typeVersionKeyStatic)
        output.append(contentsOf: Array(String(type.version).utf8))
        output.append(UInt8(ascii: "}"))
        return output
    }

    private static let typeVersionKeyStatic: StaticString = "typeVersion"
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
