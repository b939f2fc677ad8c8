import Foundation

/// Maps the reference relay's payload into an envelope, losslessly.
///
/// Legacy format (what the Node.js storefront posts to `/produceClickMessage` and
/// `/producePageLoad`):
///
/// ```json
/// {"topic": "edm-ui-click", "uuid": "<page-view id>", "event_timestamp": 1714564800123,
///  "properties": {"button_id": "the-camper's-kit", "description": "..."}}
/// ```
///
/// - `topic` is required and must name the route's type (unprefixed); it no longer picks the topic.
/// - `uuid` becomes `sessionId`; `event_timestamp` (epoch ms, number or numeric string) becomes
///   `occurredAt`; a fractional part is dropped (and the original kept in extras).
/// - property keys map through each field's `legacyName` (`button_id` -> `buttonId`).
/// - The event gets a fresh `id` and `source: legacy`; pageloads get a `deviceType`.
/// - Anything else is kept verbatim in ``EventExtras`` so ``EventEnvelope/legacyPayload()`` can
///   rebuild the exact document (as a JSON value: key order and whitespace are not kept).
///
/// Violations are reported with the legacy keys (`properties.button_id`, `event_timestamp`).
struct LegacyDecoder {
    let parser: EventParser

    static let handledKeys: Set<String> = ["topic", "uuid", "event_timestamp", "properties"]

    func decode(
        _ root: [String: JSONValue], type: String?, receivedAt: Date
    ) -> Result<EventEnvelope, ValidationFailure> {
        var violations: [Violation] = []
        let kind = resolveKind(root, type: type, into: &violations)

        // uuid -> sessionId, with the envelope's own rule; everything else is collected.
        let sessionRule = EventEnvelope.fieldRules(for: nil).filter { $0.name == "sessionId" }
        let top = RuleChecker(form: .request, legacyNames: true, collectUnknownKeys: true)
            .check(object: root, rules: sessionRule, at: .root, into: &violations)
        var extras = EventExtras(topLevel: top.unknown.filter { !Self.handledKeys.contains($0.key) })

        let occurredAt = eventTime(root["event_timestamp"], receivedAt: receivedAt, extras: &extras, into: &violations)

        var propertyFields: [String: JSONValue] = [:]
        switch root["properties"] {
        case nil:
            violations.append(Violation(path: "properties", code: .required, message: "is required"))
        case .object(let members)?:
            if let kind {
                let checked = RuleChecker(form: .request, legacyNames: true, collectUnknownKeys: true)
                    .check(object: members, rules: kind.fieldRules, at: JSONPath.root.appending("properties"), into: &violations)
                propertyFields = checked.fields
                extras.properties = checked.unknown
            }
        case let other?:
            violations.append(
                Violation(path: "properties", code: .wrongType, message: "must be an object, not \(other.typeName)"))
        }

        guard violations.isEmpty, let kind, let occurredAt else { return .failure(ValidationFailure(violations)) }
        return EnvelopeBuilder.build(
            kind: kind, fields: ["properties": .object(propertyFields), "sessionId": top.fields["sessionId"] ?? ""],
            occurredAt: occurredAt, receivedAt: receivedAt, source: .legacy, extras: extras,
            makeID: parser.makeID)
    }

    private func resolveKind(
        _ root: [String: JSONValue], type: String?, into violations: inout [Violation]
    ) -> (any EventProperties.Type)? {
        let registry = parser.registry
        var kind: (any EventProperties.Type)?
        if let type {
            kind = registry.kind(named: type)
            if kind == nil { violations.append(registry.unknownTypeViolation(type, at: "topic")) }
        }
        let knownTopics = registry.kinds.map { $0.topicBase }.joined(separator: ", ")
        switch root["topic"] {
        case nil:
            violations.append(Violation(path: "topic", code: .required, message: "is required"))
        case .string(let topic)?:
            if let expected = kind {
                if topic != expected.topicBase {
                    violations.append(
                        Violation(
                            path: "topic", code: .notAllowed,
                            message: "must be \(JSONValue.string(expected.topicBase).compactText) on this route"))
                }
            } else if type == nil {
                kind = registry.kind(forTopicBase: topic)
                if kind == nil {
                    violations.append(
                        Violation(
                            path: "topic", code: .unknownType,
                            message: "unknown topic \(JSONValue.string(topic).compactText); known topics: \(knownTopics)"))
                }
            }
        case let other?:
            violations.append(Violation(path: "topic", code: .wrongType, message: "must be a string, not \(other.typeName)"))
        }
        return kind
    }

    /// `event_timestamp` as a date. When the value would not come back identical from
    /// `occurredAt` (a numeric string, a fraction), the original is kept in `extras.topLevel`.
    private func eventTime(
        _ value: JSONValue?, receivedAt: Date, extras: inout EventExtras, into violations: inout [Violation]
    ) -> Date? {
        let path = "event_timestamp"
        guard let value else {
            violations.append(Violation(path: path, code: .required, message: "is required"))
            return nil
        }
        var number: Double?
        switch value {
        case .integer(let integer): number = Double(integer)
        case .double(let double): number = double
        case .string(let text):
            switch try? JSONValue.parse(text, maxDepth: 1) {
            case .integer(let integer)?: number = Double(integer)
            case .double(let double)?: number = double
            default: number = nil
            }
        default: number = nil
        }
        guard let number else {
            violations.append(
                Violation(
                    path: path, code: value.stringValue == nil ? .wrongType : .invalidFormat,
                    message: "must be milliseconds since 1970, as a number or a numeric string"))
            return nil
        }
        let clamped = min(
            max(number.rounded(.down), Double(EventTimestamp.minimumMilliseconds)),
            Double(EventTimestamp.maximumMilliseconds))
        let milliseconds = Int64(clamped)
        // Integral numbers in range come back from occurredAt; anything else is kept verbatim.
        if value != .integer(milliseconds) { extras.topLevel[path] = value }
        let date = EventTimestamp.date(fromMilliseconds: milliseconds)
        if let violation = parser.limits.timeViolation(occurredAt: date, receivedAt: receivedAt, path: path) {
            violations.append(violation)
            return nil
        }
        return date
    }
}
