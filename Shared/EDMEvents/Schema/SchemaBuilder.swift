/// Translates `FieldRule`s into JSON Schema (draft 2020-12) keywords. The validator reads the
/// same rules, which is what keeps the two equal; what JSON Schema cannot say is listed in
/// ``EventSchemas``.
enum SchemaBuilder {
    static func objectSchema(_ rules: [FieldRule], form: EventForm) -> [String: JSONValue] {
        var properties: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        for rule in rules {
            let presence = rule.presence(in: form)
            if presence == .forbidden { continue }  // additionalProperties: false rejects it
            var schema = valueSchema(rule.value, form: form)
            schema["description"] = .string(rule.summary)
            if let legacyName = rule.legacyName { schema["x-edm-legacyName"] = .string(legacyName) }
            properties[rule.name] = .object(schema)
            if presence == .required { required.append(.string(rule.name)) }
        }
        return [
            "type": "object",
            "properties": .object(properties),
            "required": .array(required),
            "additionalProperties": false,
        ]
    }

    static func valueSchema(_ rule: ValueRule, form: EventForm) -> [String: JSONValue] {
        switch rule {
        case .text(let text):
            var schema = text.format.schemaKeywords
            schema["type"] = "string"
            if text.length.lowerBound > 0 { schema["minLength"] = .integer(Int64(text.length.lowerBound)) }
            schema["maxLength"] = .integer(Int64(text.length.upperBound))
            return schema
        case .oneOf(let values):
            return ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .constant(let value):
            return ["type": "string", "const": .string(value)]
        case .integer(let range):
            return ["type": "integer", "minimum": .integer(range.lowerBound), "maximum": .integer(range.upperBound)]
        case .boolean:
            return ["type": "boolean"]
        case .object(let rules):
            return objectSchema(rules, form: form)
        case .anyObject:
            return ["type": "object"]
        }
    }
}
