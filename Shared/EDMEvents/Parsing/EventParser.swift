import Foundation

/// Turns untrusted inbound JSON into envelopes: the relay's only way in.
///
/// Reports *every* violated field at once (with its path) so a client can fix a request in one
/// round trip, and never traps, whatever the bytes. The route decides the event type: pass it as
/// `type`; a payload whose own `type` (v1) or `topic` (legacy) disagrees is a violation, so a
/// client can no longer pick the topic its data lands on.
///
/// ```swift
/// let parser = EventParser()
/// switch parser.parse(json: body, type: "click", source: .legacy, receivedAt: Date()) {
/// case .success(let event): try await producer.send(event.jsonData(), key: event.partitionKey, ...)
/// case .failure(let error): respond(400, error.violations)
/// }
/// ```
public struct EventParser: Sendable {
    public var registry: EventRegistry
    public var limits: ValidationLimits
    /// Makes ids for events that arrive without one (all legacy events). Injectable for tests.
    public var makeID: @Sendable () -> UUID

    public init(
        registry: EventRegistry = .standard, limits: ValidationLimits = .default,
        makeID: @escaping @Sendable () -> UUID = { UUID() }
    ) {
        self.registry = registry
        self.limits = limits
        self.makeID = makeID
    }

    /// Parses one event from a request body.
    ///
    /// - Parameters:
    ///   - type: the route's event type (`click`); nil lets the payload's `type` (v1) or `topic`
    ///     (legacy) decide, for generic endpoints.
    ///   - source: the payload format: `.v1` expects an ``EventForm/request`` document, `.legacy`
    ///     the reference relay's `{topic, uuid, event_timestamp, properties}`.
    ///   - receivedAt: the relay's clock now; stored in the envelope and bounds `occurredAt`.
    public func parse(
        json: Data, type: String?, source: EventSource, receivedAt: Date
    ) -> Result<EventEnvelope, EventParseError> {
        guard json.count <= limits.maxEventBytes else {
            return .failure(.tooLarge(bytes: json.count, limit: limits.maxEventBytes))
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            return .failure(.malformedJSON(error))
        }
        return parse(value, type: type, source: source, receivedAt: receivedAt).mapError { .invalid($0) }
    }

    /// Parses one already-decoded event, e.g. one element of a batch (prefix the violations'
    /// paths with ``Violation/prefixed(byIndex:)``).
    public func parse(
        _ value: JSONValue, type: String?, source: EventSource, receivedAt: Date
    ) -> Result<EventEnvelope, ValidationFailure> {
        guard let root = value.objectValue else {
            return .failure(
                ValidationFailure([
                    Violation(path: "", code: .wrongType, message: "an event must be a JSON object, not \(value.typeName)")
                ]))
        }
        let receivedAt = EventTimestamp.rounded(receivedAt)
        switch source {
        case .v1: return parseRequest(root, type: type, receivedAt: receivedAt)
        case .legacy: return LegacyDecoder(parser: self).decode(root, type: type, receivedAt: receivedAt)
        case .derived:
            return .failure(
                ValidationFailure([
                    Violation(path: "source", code: .readOnly, message: "derived events are made by services, not parsed from requests")
                ]))
        }
    }

    private func parseRequest(
        _ root: [String: JSONValue], type: String?, receivedAt: Date
    ) -> Result<EventEnvelope, ValidationFailure> {
        var violations: [Violation] = []
        var root = root
        let kind: (any EventProperties.Type)?
        if let type {
            kind = registry.kind(named: type)
            if kind == nil { violations.append(registry.unknownTypeViolation(type, at: "type")) }
        } else {
            kind = kindNamedInPayload(root, into: &violations)
        }
        if kind == nil { root["type"] = nil }  // already reported
        let checked = RuleChecker(form: .request).check(
            object: root, rules: EventEnvelope.fieldRules(for: kind), at: .root, into: &violations)
        let occurredAt = checked.fields["occurredAt"]?.stringValue.flatMap(EventTimestamp.date(from:))
        if let occurredAt,
            let violation = limits.timeViolation(occurredAt: occurredAt, receivedAt: receivedAt, path: "occurredAt")
        {
            violations.append(violation)
        }
        guard violations.isEmpty, let kind, let occurredAt else { return .failure(ValidationFailure(violations)) }
        return EnvelopeBuilder.build(
            kind: kind, fields: checked.fields, occurredAt: occurredAt, receivedAt: receivedAt,
            source: .v1, extras: .none, makeID: makeID)
    }

    private func kindNamedInPayload(
        _ root: [String: JSONValue], into violations: inout [Violation]
    ) -> (any EventProperties.Type)? {
        switch root["type"] {
        case nil:
            violations.append(
                Violation(path: "type", code: .required, message: "is required (or post to the type's own route)"))
        case .string(let name)?:
            if let kind = registry.kind(named: name) { return kind }
            violations.append(registry.unknownTypeViolation(name, at: "type"))
        case let other?:
            violations.append(
                Violation(path: "type", code: .wrongType, message: "must be a string, not \(other.typeName)"))
        }
        return nil
    }
}

/// Assembles an envelope from fields that passed their rules (v1 requests and Kafka messages).
enum EnvelopeBuilder {
    static func build(
        kind: any EventProperties.Type, fields: [String: JSONValue], occurredAt: Date, receivedAt: Date,
        source: EventSource, extras: EventExtras, makeID: () -> UUID
    ) -> Result<EventEnvelope, ValidationFailure> {
        let properties: any EventProperties
        do {
            properties = try kind.init(
                fields: FieldReader(fields["properties"]?.objectValue ?? [:], path: "properties"))
        } catch {
            return .failure(error)
        }
        let id = fields["id"]?.stringValue.flatMap(UUID.init(uuidString:)) ?? makeID()
        let version = fields["schemaVersion"]?.int64Value.map { Int($0) } ?? EventEnvelope.currentSchemaVersion
        return .success(
            EventEnvelope(
                schemaVersion: version, id: id, occurredAt: occurredAt, receivedAt: receivedAt,
                sessionId: fields["sessionId"]?.stringValue ?? "", source: source,
                anyProperties: properties, extras: extras))
    }
}
