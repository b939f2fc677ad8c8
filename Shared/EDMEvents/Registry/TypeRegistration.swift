/// The body of `POST /v1/schemas/{type}`:
///
/// ```json
/// {"schema": {"type": "object", "properties": {...}, "required": [...]},
///  "owner": "growth-team", "description": "A visitor created an account.",
///  "keyField": "accountId", "countBy": ["plan"], "partitions": 8}
/// ```
///
/// `owner` and `description` are required (the registry is for discoverability); `keyField`,
/// `countBy` and `partitions` are optional. Errors name the JSON path of the bad keyword.
public struct TypeRegistration: Sendable, Hashable {
    public let schema: ObjectSchema
    public let owner: String
    public let description: String
    public let keyField: String?
    public let countBy: [String]
    public let partitions: Int?

    static let bodyKeys: Set<String> = ["schema", "owner", "description", "keyField", "countBy", "partitions"]
    static let recordKeys: Set<String> = bodyKeys.union(["type", "version", "registeredAt"])

    /// Type names: lowercase ASCII letter first, then letters, digits, `_` or `-`, at most 64.
    public static func nameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (0x61...0x7A).contains(first), bytes.count <= 64,
            bytes.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D })
        else {
            return "a type name is 1-64 characters: a lowercase letter, then lowercase letters, digits, _ or -"
        }
        return nil
    }

    public static func parse(_ body: JSONValue, name: String, defaultPartitions: Int) throws(SchemaError) -> TypeRegistration {
        guard let members = body.objectValue else {
            throw SchemaError(path: "", message: "the registration must be a JSON object with schema, owner and description")
        }
        let allowed = members["version"] != nil ? recordKeys : bodyKeys
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw SchemaError(
                path: "\(JSONPath.root.appending(key))",
                message: "is not a registration field (allowed: " + bodyKeys.sorted().joined(separator: ", ") + ")")
        }
        guard let schemaValue = members["schema"] else { throw SchemaError(path: "schema", message: "is required") }
        let schema = try SchemaParser().parseRoot(schemaValue, at: JSONPath.root.appending("schema"))
        let owner = try text("owner", in: members, limit: 200)
        let description = try text("description", in: members, limit: 2000)

        var keyField: String?
        if let value = members["keyField"] {
            guard let name = value.stringValue else { throw SchemaError(path: "keyField", message: "must be a property name") }
            switch schema.node(named: name) {
            case .string?, .enumeration?: keyField = name
            case nil: throw SchemaError(path: "keyField", message: "\(JSONValue.string(name).compactText) is not a property of the schema")
            case let other?:
                throw SchemaError(path: "keyField", message: "\(JSONValue.string(name).compactText) is \(other.typeName); a key field must be a string")
            }
        }
        var countBy: [String] = []
        if let value = members["countBy"] {
            guard let names = value.arrayValue else { throw SchemaError(path: "countBy", message: "must be an array of property names") }
            for (index, item) in names.enumerated() {
                let path = "countBy[\(index)]"
                guard let name = item.stringValue else { throw SchemaError(path: path, message: "must be a property name") }
                switch schema.node(named: name) {
                case .string?, .enumeration?, .boolean?:
                    break
                case .number(let number)? where number.integral:
                    break
                case nil: throw SchemaError(path: path, message: "\(JSONValue.string(name).compactText) is not a property of the schema")
                case let other?:
                    throw SchemaError(
                        path: path, message: "\(JSONValue.string(name).compactText) is \(other.typeName); count by a string, enum, boolean or integer")
                }
                guard !countBy.contains(name) else { throw SchemaError(path: path, message: "\(JSONValue.string(name).compactText) is listed twice") }
                countBy.append(name)
            }
        }
        var partitions: Int?
        if let value = members["partitions"] {
            guard let count = value.int64Value, (1...1000).contains(count) else {
                throw SchemaError(path: "partitions", message: "must be an integer from 1 to 1000")
            }
            partitions = Int(count)
        }
        return TypeRegistration(
            schema: schema, owner: owner, description: description, keyField: keyField, countBy: countBy,
            partitions: partitions ?? (members["version"] == nil ? nil : defaultPartitions))
    }

    private static func text(_ key: String, in members: [String: JSONValue], limit: Int) throws(SchemaError) -> String {
        guard let value = members[key] else { throw SchemaError(path: key, message: "is required") }
        guard let text = value.stringValue, !text.isEmpty, text.unicodeScalars.count <= limit,
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw SchemaError(path: key, message: "must be a string of 1-\(limit) characters without control characters")
        }
        return text
    }
}
