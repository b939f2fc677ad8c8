import Foundation

extension EventEnvelope {
    /// Strictly decodes a message read from Kafka; throws a typed error, never traps.
    ///
    /// Applies the same rules as the relay (``EventForm/envelope`` form) because a topic can hold
    /// anything anyone produced to it; stats must not store what the relay would have refused.
    public static func decode(
        from data: Data, registry: EventRegistry = .standard, limits: ValidationLimits = .default
    ) throws(EventDecodingError) -> EventEnvelope {
        // What the relay writes takes the byte-level fast path; anything else, and every
        // error, comes from the general path below.
        if let envelope = CanonicalEnvelopeDecoder.decode(data, registry: registry, limits: limits) {
            return envelope
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            throw .malformedJSON(error)
        }
        return try decode(value, registry: registry, limits: limits)
    }

    /// Decodes an envelope from a parsed JSON tree.
    public static func decode(
        _ value: JSONValue, registry: EventRegistry = .standard, limits: ValidationLimits = .default
    ) throws(EventDecodingError) -> EventEnvelope {
        guard var root = value.objectValue else {
            throw .invalid(
                ValidationFailure([
                    Violation(path: "", code: .wrongType, message: "an event must be a JSON object, not \(value.typeName)")
                ]))
        }
        if let version = root["schemaVersion"]?.int64Value, version > Int64(currentSchemaVersion) {
            throw .unsupportedSchemaVersion(Int(clamping: version))
        }
        var violations: [Violation] = []
        var kind: (any EventProperties.Type)?
        switch root["type"] {
        case .string(let name)?:
            guard let known = registry.kind(named: name) else {
                throw .unknownType(name, known: registry.typeNames)
            }
            kind = known
        case nil:
            violations.append(Violation(path: "type", code: .required, message: "is required"))
        case let other?:
            violations.append(Violation(path: "type", code: .wrongType, message: "must be a string, not \(other.typeName)"))
            root["type"] = nil
        }
        let checked = RuleChecker(form: .envelope).check(
            object: root, rules: fieldRules(for: kind), at: .root, into: &violations)
        let occurredAt = checked.fields["occurredAt"]?.stringValue.flatMap(EventTimestamp.date(from:))
        let receivedAt = checked.fields["receivedAt"]?.stringValue.flatMap(EventTimestamp.date(from:))
        if let receivedAt, receivedAt < limits.earliestOccurredAt {
            violations.append(
                Violation(
                    path: "receivedAt", code: .outOfRange,
                    message: "must not be before \(EventTimestamp.string(from: limits.earliestOccurredAt))"))
        }
        if let occurredAt, let receivedAt,
            let violation = limits.timeViolation(occurredAt: occurredAt, receivedAt: receivedAt, path: "occurredAt")
        {
            violations.append(violation)
        }
        guard violations.isEmpty, let kind, let occurredAt, let receivedAt,
            let source = checked.fields["source"]?.stringValue.flatMap(EventSource.init(rawValue:))
        else {
            throw .invalid(ValidationFailure(violations))
        }
        let extras = checked.fields["extras"]?.objectValue
        let result = EnvelopeBuilder.build(
            kind: kind, fields: checked.fields, occurredAt: occurredAt, receivedAt: receivedAt, source: source,
            extras: EventExtras(
                topLevel: extras?["topLevel"]?.objectValue ?? [:],
                properties: extras?["properties"]?.objectValue ?? [:]),
            makeID: { UUID() })
        switch result {
        case .success(let envelope): return envelope
        case .failure(let failure): throw .invalid(failure)
        }
    }
}

/// `Codable` bridges to the strict decoder, so an envelope nested in another `Codable` type
/// (an SSE message, a test fixture) is validated the same way and written in the same shape,
/// whatever the encoder's date strategy.
extension EventEnvelope: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        do {
            self = try EventEnvelope.decode(value)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}
