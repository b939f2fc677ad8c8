import EDMEvents
import Foundation

/// JSON Schema of the reference relay's payload for one event type, derived from the v1 request
/// schema through each field's legacy name, so both documents follow the same rules. It states
/// what the legacy validator accepts: optional fields may be `null` (read as absent), keys it
/// does not know are kept as extras, and `event_timestamp` is a JSON number or a string holding
/// exactly one JSON number (JSON whitespace around it allowed, as the parser reads it). The
/// number form also states the time window: not before `earliestOccurredAt`, and not after the
/// relay's clock plus the allowed skew at the time the document is built, rounded up to the hour
/// after next so that a document fetched a little earlier is never stricter than the relay.
enum LegacySchema {
    /// A JSON number as JSON text, the only thing a numeric `event_timestamp` string may hold.
    static let numericStringPattern =
        "^\u{FEFF}?[\\t\\n\\r ]*-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?[\\t\\n\\r ]*$"

    static func document(
        for kind: any EventProperties.Type, limits: ValidationLimits = .default, now: Date = Date()
    ) -> JSONValue {
        let earliest = EventTimestamp.milliseconds(from: limits.earliestOccurredAt)
        let hour: Int64 = 3_600_000
        let latest = (EventTimestamp.milliseconds(from: now.addingTimeInterval(limits.maxFutureSkew)) / hour + 2) * hour
        let request = EventSchemas.document(for: kind, form: .request)
        let typed = request["properties"]?["properties"]
        let required = Set((typed?["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        var properties: [String: JSONValue] = [:]
        var legacyRequired: [String] = []
        for (name, schema) in typed?["properties"]?.objectValue ?? [:] {
            let legacyName = schema["x-edm-legacyName"]?.stringValue ?? name
            if required.contains(name) {
                legacyRequired.append(legacyName)
                properties[legacyName] = schema
            } else {
                properties[legacyName] = nullable(schema)
            }
        }
        let sessionSchema = request["properties"]?["sessionId"] ?? ["type": "string"]
        return [
            "title": .string("\(kind.eventType) event (reference relay payload)"),
            "description": .string(
                kind.summary + " Keys not listed are kept verbatim with the event (extras)."),
            "type": "object",
            "required": ["topic", "uuid", "event_timestamp", "properties"],
            "properties": [
                "topic": ["type": "string", "const": .string(kind.topicBase), "description": "Must name this route's topic, unprefixed."],
                "uuid": sessionSchema,
                "event_timestamp": [
                    "description": .string(
                        "Milliseconds since 1970 by the client's clock, as a number or a numeric string; "
                            + "not before 2000-01-01 and not more than the allowed skew ahead of the relay's clock."),
                    "oneOf": [
                        ["type": "number", "minimum": .integer(earliest), "maximum": .integer(latest)],
                        ["type": "string", "pattern": .string(numericStringPattern)],
                    ],
                ],
                "properties": [
                    "type": "object",
                    "properties": .object(properties),
                    "required": .array(legacyRequired.sorted().map(JSONValue.string)),
                ],
            ],
            "examples": [example(for: kind)],
        ]
    }

    /// `schema` that also accepts `null`: the legacy validator reads `null` as "not sent".
    private static func nullable(_ schema: JSONValue) -> JSONValue {
        guard var members = schema.objectValue, let type = members["type"]?.stringValue else { return schema }
        members["type"] = [.string(type), "null"]
        return .object(members)
    }

    /// A payload the relay accepts, built from the kind's example.
    static func example(for kind: any EventProperties.Type) -> JSONValue {
        let request = EventSchemas.example(for: kind, form: .request)
        var properties: [String: JSONValue] = [:]
        for rule in kind.fieldRules {
            guard let legacyName = rule.legacyName, let value = request["properties"]?[rule.name] else { continue }
            properties[legacyName] = value
        }
        let occurredAt = request["occurredAt"]?.stringValue.flatMap(EventTimestamp.date(from:))
        return [
            "topic": .string(kind.topicBase),
            "uuid": request["sessionId"] ?? "",
            "event_timestamp": .integer(occurredAt.map { EventTimestamp.milliseconds(from: $0) } ?? 1_714_564_800_123),
            "properties": .object(properties),
        ]
    }
}
