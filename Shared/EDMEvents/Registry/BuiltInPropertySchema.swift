extension ObjectSchema {
    /// The `properties` of a built-in event kind in the registered types' schema model (the
    /// same field names, kinds and required set the validator's rules declare), so a consumer
    /// that checks filters against declared fields treats built-in and registered types alike.
    /// Open objects (legacy extras) are left out: nothing is declared inside them.
    public static func builtIn(_ kind: any EventProperties.Type) -> ObjectSchema? {
        guard let rule = EventEnvelope.fieldRules(for: kind).first(where: { $0.name == "properties" }),
            case .object(let rules) = rule.value
        else { return nil }
        return object(from: rules)
    }

    private static func object(from rules: [FieldRule]) -> ObjectSchema {
        var properties: [(name: String, node: SchemaNode)] = []
        var required: Set<String> = []
        for rule in rules where rule.envelope != .forbidden {
            guard let node = node(from: rule.value) else { continue }
            properties.append((rule.name, node))
            if rule.envelope == .required { required.insert(rule.name) }
        }
        return ObjectSchema(properties: properties, required: required)
    }

    private static func node(from rule: ValueRule) -> SchemaNode? {
        switch rule {
        case .text(let text): .string(StringSchema(minLength: text.length.lowerBound, maxLength: text.length.upperBound, format: nil))
        case .oneOf(let values): .enumeration(values)
        case .constant(let value): .enumeration([value])
        case .integer(let range):
            .number(NumberSchema(integral: true, minimum: Double(range.lowerBound), maximum: Double(range.upperBound)))
        case .boolean: .boolean
        case .object(let rules): .object(object(from: rules))
        case .anyObject: nil
        }
    }
}
