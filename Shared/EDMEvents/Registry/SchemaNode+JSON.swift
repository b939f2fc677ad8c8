/// The schema written back as JSON Schema: what `GET /v1/schemas/{type}` serves and what the
/// registry topic stores, normalised (annotations dropped, defaults explicit), so two equal
/// schemas are equal bytes.
extension SchemaNode {
    public var jsonValue: JSONValue {
        switch self {
        case .object(let object):
            var members: [String: JSONValue] = [
                "type": "object",
                "properties": .object(Dictionary(object.properties.map { ($0.name, $0.node.jsonValue) }, uniquingKeysWith: { first, _ in first })),
                "additionalProperties": .bool(object.additionalProperties),
            ]
            if !object.required.isEmpty { members["required"] = .array(object.required.sorted().map(JSONValue.string)) }
            return .object(members)
        case .array(let array):
            var members: [String: JSONValue] = ["type": "array", "items": array.items.jsonValue]
            if array.minItems > 0 { members["minItems"] = .integer(Int64(array.minItems)) }
            if let maxItems = array.maxItems { members["maxItems"] = .integer(Int64(maxItems)) }
            return .object(members)
        case .string(let string):
            var members: [String: JSONValue] = ["type": "string"]
            if string.minLength > 0 { members["minLength"] = .integer(Int64(string.minLength)) }
            if let maxLength = string.maxLength { members["maxLength"] = .integer(Int64(maxLength)) }
            if let format = string.format { members["format"] = .string(format.rawValue) }
            return .object(members)
        case .enumeration(let values):
            return ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .number(let number):
            var members: [String: JSONValue] = ["type": .string(number.integral ? "integer" : "number")]
            if let minimum = number.minimum { members["minimum"] = .number(minimum) }
            if let maximum = number.maximum { members["maximum"] = .number(maximum) }
            return .object(members)
        case .boolean:
            return ["type": "boolean"]
        }
    }
}
