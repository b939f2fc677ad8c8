/// Reads the documented JSON Schema subset from a registration body.
///
/// Every keyword outside the subset is refused (400 naming its path), never ignored: a schema
/// that says `pattern` would otherwise promise a check the relay does not make. The subset:
/// `type` object/array/string/number/integer/boolean, `properties`, `required`,
/// `additionalProperties` (boolean, default false), `items`, `minItems`, `maxItems`,
/// `minLength`, `maxLength`, `format` (date-time, uuid, email, uri), `minimum`, `maximum`,
/// `enum` (strings), and the annotations `description`, `title`, `examples`.
struct SchemaParser {
    /// Nesting deeper than this is refused: events are flat records, and the bound keeps the
    /// compiled validator's recursion shallow.
    static let maxDepth = 8
    static let maxProperties = 200

    private static let annotations: Set<String> = ["description", "title", "examples", "$comment"]

    func parseRoot(_ value: JSONValue, at path: JSONPath) throws(SchemaError) -> ObjectSchema {
        if let type = value["type"], type != .string("object") {
            throw SchemaError(path: "\(path.appending("type"))", message: "the schema of an event's properties must be of type object")
        }
        let node = try parse(value, at: path, depth: 0)
        guard case .object(let object) = node else {
            throw SchemaError(path: "\(path.appending("type"))", message: "the schema of an event's properties must be of type object")
        }
        return object
    }

    func parse(_ value: JSONValue, at path: JSONPath, depth: Int) throws(SchemaError) -> SchemaNode {
        guard let members = value.objectValue else {
            throw SchemaError(path: "\(path)", message: "a schema must be a JSON object, not \(value.typeName)")
        }
        guard depth <= Self.maxDepth else {
            throw SchemaError(path: "\(path)", message: "nesting deeper than \(Self.maxDepth) levels is not supported")
        }
        if let values = members["enum"] {
            try allowOnly(["type", "enum"], in: members, at: path)
            if let type = members["type"], type != .string("string") {
                throw SchemaError(path: "\(path.appending("type"))", message: "enum is supported for strings only")
            }
            return .enumeration(try enumValues(values, at: path.appending("enum")))
        }
        guard let typeValue = members["type"] else {
            throw SchemaError(path: "\(path.appending("type"))", message: "is required (object, array, string, number, integer or boolean), or use enum")
        }
        guard let type = typeValue.stringValue else {
            throw SchemaError(path: "\(path.appending("type"))", message: "must be one type name as a string (type lists are not supported)")
        }
        switch type {
        case "object":
            try allowOnly(["type", "properties", "required", "additionalProperties"], in: members, at: path)
            return .object(try object(members, at: path, depth: depth))
        case "array":
            try allowOnly(["type", "items", "minItems", "maxItems"], in: members, at: path)
            guard let items = members["items"] else {
                throw SchemaError(path: "\(path.appending("items"))", message: "is required for an array")
            }
            let minItems = try count("minItems", in: members, at: path) ?? 0
            let maxItems = try count("maxItems", in: members, at: path)
            if let maxItems, maxItems < minItems {
                throw SchemaError(path: "\(path.appending("maxItems"))", message: "must not be below minItems (\(minItems))")
            }
            return .array(ArraySchema(items: try parse(items, at: path.appending("items"), depth: depth + 1), minItems: minItems, maxItems: maxItems))
        case "string":
            try allowOnly(["type", "minLength", "maxLength", "format"], in: members, at: path)
            let minLength = try count("minLength", in: members, at: path) ?? 0
            let maxLength = try count("maxLength", in: members, at: path)
            if let maxLength, maxLength < minLength {
                throw SchemaError(path: "\(path.appending("maxLength"))", message: "must not be below minLength (\(minLength))")
            }
            var format: StringFormat?
            if let formatValue = members["format"] {
                guard let name = formatValue.stringValue, let known = StringFormat(rawValue: name) else {
                    throw SchemaError(
                        path: "\(path.appending("format"))",
                        message: "must be one of: " + StringFormat.allCases.map(\.rawValue).joined(separator: ", "))
                }
                format = known
            }
            return .string(StringSchema(minLength: minLength, maxLength: maxLength, format: format))
        case "number", "integer":
            try allowOnly(["type", "minimum", "maximum"], in: members, at: path)
            let minimum = try bound("minimum", in: members, at: path)
            let maximum = try bound("maximum", in: members, at: path)
            if let minimum, let maximum, maximum < minimum {
                throw SchemaError(path: "\(path.appending("maximum"))", message: "must not be below minimum")
            }
            return .number(NumberSchema(integral: type == "integer", minimum: minimum, maximum: maximum))
        case "boolean":
            try allowOnly(["type"], in: members, at: path)
            return .boolean
        default:
            throw SchemaError(
                path: "\(path.appending("type"))",
                message: "\(JSONValue.string(type).compactText) is not supported; use object, array, string, number, integer or boolean")
        }
    }

    private func object(_ members: [String: JSONValue], at path: JSONPath, depth: Int) throws(SchemaError) -> ObjectSchema {
        var properties: [(name: String, node: SchemaNode)] = []
        if let declared = members["properties"] {
            guard let declared = declared.objectValue else {
                throw SchemaError(path: "\(path.appending("properties"))", message: "must be an object of schemas")
            }
            guard declared.count <= Self.maxProperties else {
                throw SchemaError(path: "\(path.appending("properties"))", message: "at most \(Self.maxProperties) properties are supported")
            }
            for name in declared.keys.sorted() {
                let fieldPath = path.appending("properties").appending(name)
                guard !name.isEmpty, name.unicodeScalars.count <= 128,
                    !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
                else {
                    throw SchemaError(path: "\(fieldPath)", message: "a property name must be 1-128 characters without control characters")
                }
                properties.append((name, try parse(declared[name]!, at: fieldPath, depth: depth + 1)))
            }
        }
        var required: Set<String> = []
        if let list = members["required"] {
            guard let names = list.arrayValue else {
                throw SchemaError(path: "\(path.appending("required"))", message: "must be an array of property names")
            }
            for (index, name) in names.enumerated() {
                let itemPath = path.appending("required").appending(index: index)
                guard let name = name.stringValue else {
                    throw SchemaError(path: "\(itemPath)", message: "must be a property name (a string)")
                }
                guard properties.contains(where: { $0.name == name }) else {
                    throw SchemaError(path: "\(itemPath)", message: "\(JSONValue.string(name).compactText) is not declared in properties")
                }
                guard required.insert(name).inserted else {
                    throw SchemaError(path: "\(itemPath)", message: "\(JSONValue.string(name).compactText) is listed twice")
                }
            }
        }
        var additional = false
        if let value = members["additionalProperties"] {
            guard case .bool(let allowed) = value else {
                throw SchemaError(
                    path: "\(path.appending("additionalProperties"))",
                    message: "must be true or false (schemas for additional properties are not supported)")
            }
            additional = allowed
        }
        return ObjectSchema(properties: properties, required: required, additionalProperties: additional)
    }

    private func enumValues(_ value: JSONValue, at path: JSONPath) throws(SchemaError) -> [String] {
        guard let items = value.arrayValue, !items.isEmpty else {
            throw SchemaError(path: "\(path)", message: "must be a non-empty array of strings")
        }
        var seen: Set<String> = []
        var values: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else {
                throw SchemaError(path: "\(path.appending(index: index))", message: "must be a string (enums of other types are not supported)")
            }
            guard seen.insert(text).inserted else {
                throw SchemaError(path: "\(path.appending(index: index))", message: "\(JSONValue.string(text).compactText) is listed twice")
            }
            values.append(text)
        }
        return values
    }

    private func allowOnly(_ keywords: Set<String>, in members: [String: JSONValue], at path: JSONPath) throws(SchemaError) {
        for key in members.keys.sorted() where !keywords.contains(key) && !Self.annotations.contains(key) {
            throw SchemaError(
                path: "\(path.appending(key))",
                message: "is not supported here (the subset allows " + keywords.sorted().joined(separator: ", ")
                    + " and the annotations description, title, examples)")
        }
    }

    private func count(_ key: String, in members: [String: JSONValue], at path: JSONPath) throws(SchemaError) -> Int? {
        guard let value = members[key] else { return nil }
        guard let number = value.int64Value, number >= 0, number <= 1_000_000 else {
            throw SchemaError(path: "\(path.appending(key))", message: "must be an integer from 0 to 1000000")
        }
        return Int(number)
    }

    private func bound(_ key: String, in members: [String: JSONValue], at path: JSONPath) throws(SchemaError) -> Double? {
        guard let value = members[key] else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw SchemaError(path: "\(path.appending(key))", message: "must be a number")
        }
        return number
    }
}
