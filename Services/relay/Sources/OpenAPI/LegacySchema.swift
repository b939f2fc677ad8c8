import EDMEvents

/// JSON Schema of the reference relay's payload for one event type, derived from the v1 request
/// schema through each field's legacy name, so both documents follow the same rules.
enum LegacySchema {
    static func document(for kind: any EventProperties.Type) -> JSONValue {
        let request = EventSchemas.document(for: kind, form: .request)
        let typed = request["properties"]?["properties"]
        var properties: [String: JSONValue] = [:]
        var renamed: [String: String] = [:]
        for (name, schema) in typed?["properties"]?.objectValue ?? [:] {
            let legacyName = schema["x-edm-legacyName"]?.stringValue ?? name
            renamed[name] = legacyName
            properties[legacyName] = schema
        }
        let required = (typed?["required"]?.arrayValue ?? []).compactMap { $0.stringValue.map { renamed[$0] ?? $0 } }
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
                    "description": "Milliseconds since 1970 by the client's clock, as a number or a numeric string.",
                    "oneOf": [["type": "number"], ["type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$"]],
                ],
                "properties": [
                    "type": "object",
                    "properties": .object(properties),
                    "required": .array(required.sorted().map(JSONValue.string)),
                ],
            ],
        ]
    }
}
