import EDMEvents
import OpenAPIKit

/// Turns the JSON Schemas that `EDMEvents` generates from the validator's rules into OpenAPIKit
/// values, so the relay's document embeds them instead of writing its own copy.
///
/// Built value by value rather than through `JSONDecoder`, because OpenAPIKit's decoder
/// re-types composed schemas holding a nullable member (it adds `"type": "null"` to the whole
/// `allOf`). Every keyword the generator writes is handled; any other one is reported, and
/// `OpenAPIContractTests` fails on a report, so a new keyword cannot be dropped silently.
/// `$schema` and `$id` are left out: inside an OpenAPI 3.1 document the dialect is the
/// document's and an `$id` would move the base URI of references.
struct TypedSchema {
    /// Keywords met that this conversion does not know, as JSON paths.
    private(set) var unknownKeywords: [String] = []

    private static let annotations: Set<String> = ["description", "title", "examples", "$schema", "$id"]
    private static let known: Set<String> = annotations.union([
        "type", "properties", "required", "additionalProperties", "minLength", "maxLength", "pattern", "format",
        "enum", "const", "minimum", "maximum", "oneOf", "not", "items", "minItems", "maxItems",
    ])

    /// Converts `value`, collecting unknown keywords into ``unknownKeywords``.
    mutating func convert(_ value: JSONValue, at path: String = "#") -> JSONSchema {
        guard let members = value.objectValue else {
            unknownKeywords.append("\(path) (not an object)")
            return .fragment(.init())
        }
        for key in members.keys.sorted() where !Self.known.contains(key) && !key.hasPrefix("x-") {
            unknownKeywords.append("\(path)/\(key)")
        }
        if let choices = members["oneOf"]?.arrayValue {
            let schemas = choices.enumerated().map { convert($1, at: "\(path)/oneOf/\($0)") }
            return .one(of: schemas, core: Self.core(members))
        }
        if let negated = members["not"] {
            let excluded = convert(negated, at: "\(path)/not")
            var rest = members.filter { !Self.annotations.contains($0.key) && !$0.key.hasPrefix("x-") }
            rest["not"] = nil
            if rest.isEmpty { return .not(excluded, core: Self.core(members)) }
            // OpenAPIKit's `not` carries no type keywords: state both halves in an allOf.
            return .all(of: [convert(.object(rest), at: path), .not(excluded, core: .init())], core: Self.core(members))
        }
        return typed(members, at: path)
    }

    private mutating func typed(_ members: [String: JSONValue], at path: String) -> JSONSchema {
        var types = members["type"].map { $0.arrayValue?.compactMap(\.stringValue) ?? [$0.stringValue ?? ""] } ?? []
        let nullable = types.contains("null")
        types.removeAll { $0 == "null" }
        if types.count > 1 { unknownKeywords.append("\(path)/type (several non-null types)") }
        let type = types.first ?? (members["pattern"] != nil || members["maxLength"] != nil ? "string" : "")
        let allowed = members["const"].map { [$0] } ?? members["enum"]?.arrayValue
        let allowedValues = allowed.map { $0.map(Self.anyCodable) }
        func int(_ key: String) -> Int? { members[key]?.int64Value.map { Int($0) } }
        switch type {
        case "string":
            return .string(
                Self.core(members, format: .init(rawValue: members["format"]?.stringValue ?? ""), nullable: nullable,
                          allowedValues: allowedValues),
                .init(maxLength: int("maxLength"), minLength: int("minLength"), pattern: members["pattern"]?.stringValue))
        case "integer":
            return .integer(
                Self.core(members, format: .unspecified, nullable: nullable, allowedValues: allowedValues),
                .init(
                    maximum: int("maximum").map { ($0, exclusive: false) },
                    minimum: int("minimum").map { ($0, exclusive: false) }))
        case "number":
            func double(_ key: String) -> Double? { members[key]?.doubleValue }
            return .number(
                Self.core(members, format: .unspecified, nullable: nullable, allowedValues: allowedValues),
                .init(
                    maximum: double("maximum").map { ($0, exclusive: false) },
                    minimum: double("minimum").map { ($0, exclusive: false) }))
        case "boolean":
            return .boolean(Self.core(members, format: .unspecified, nullable: nullable, allowedValues: allowedValues))
        case "null":
            return .null(Self.core(members))
        case "array":
            return .array(
                Self.core(members, format: .unspecified, nullable: nullable, allowedValues: allowedValues),
                .init(
                    items: members["items"].map { convert($0, at: "\(path)/items") }, maxItems: int("maxItems"),
                    minItems: int("minItems")))
        case "object":
            let required = Set(members["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            var properties = OrderedDictionary<String, JSONSchema>()
            for (name, schema) in (members["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                let property = convert(schema, at: "\(path)/properties/\(name)")
                properties[name] = required.contains(name) ? property : property.optionalSchemaObject()
            }
            for name in required where properties[name] == nil {
                unknownKeywords.append("\(path)/required/\(name) (no schema)")
            }
            var additional: Either<Bool, JSONSchema>?
            switch members["additionalProperties"] {
            case .bool(let allowed)?: additional = .a(allowed)
            case let schema?: additional = .b(convert(schema, at: "\(path)/additionalProperties"))
            case nil: additional = nil
            }
            return .object(
                Self.core(members, format: .unspecified, nullable: nullable, allowedValues: allowedValues),
                .init(properties: properties, additionalProperties: additional))
        default:
            if !type.isEmpty { unknownKeywords.append("\(path)/type (\(type))") }
            return .fragment(Self.core(members))
        }
    }

    /// The annotations every kind of schema carries.
    private static func core<Format: OpenAPIFormat>(
        _ members: [String: JSONValue], format: Format = .unspecified, nullable: Bool = false,
        allowedValues: [AnyCodable]? = nil
    ) -> JSONSchema.CoreContext<Format> {
        .init(
            format: format, nullable: nullable, title: members["title"]?.stringValue,
            description: members["description"]?.stringValue, allowedValues: allowedValues,
            examples: (members["examples"]?.arrayValue ?? []).map(anyCodable),
            vendorExtensions: members.filter { $0.key.hasPrefix("x-") }.mapValues(anyCodable))
    }

    /// A JSON value as OpenAPIKit's untyped value (examples, enum members, extensions).
    static func anyCodable(_ value: JSONValue) -> AnyCodable {
        switch value {
        case .null: AnyCodable(Optional<String>.none)
        case .bool(let bool): AnyCodable(bool)
        case .integer(let integer): AnyCodable(integer)
        case .double(let double): AnyCodable(double)
        case .string(let string): AnyCodable(string)
        case .array(let elements): AnyCodable(elements.map(anyCodable))
        case .object(let members): AnyCodable(members.mapValues(anyCodable))
        }
    }
}
