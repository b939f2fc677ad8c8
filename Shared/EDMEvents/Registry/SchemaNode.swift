/// One node of a registered type's schema: the documented JSON Schema subset, parsed once
/// (``SchemaParser``) and then compiled (``CompiledValidator``), compared between versions
/// (``SchemaCompatibility``) and written back as JSON Schema (``jsonValue``).
public indirect enum SchemaNode: Sendable, Hashable {
    case object(ObjectSchema)
    case array(ArraySchema)
    case string(StringSchema)
    /// `enum` of strings (the only enum the subset allows).
    case enumeration([String])
    /// `number`, or `integer` when `integral`.
    case number(NumberSchema)
    case boolean

    /// The JSON Schema `type` word, for compatibility messages.
    public var typeName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .enumeration: "enum"
        case .number(let number): number.integral ? "integer" : "number"
        case .boolean: "boolean"
        }
    }
}

public struct ObjectSchema: Sendable, Hashable {
    /// Declared properties in the order they were written (sorted by name when parsed from a
    /// JSON object, whose member order is not kept).
    public var properties: [(name: String, node: SchemaNode)]
    public var required: Set<String>
    /// false (the default): an undeclared key is a violation, so a typo never passes silently.
    public var additionalProperties: Bool

    public init(properties: [(name: String, node: SchemaNode)], required: Set<String>, additionalProperties: Bool = false) {
        self.properties = properties
        self.required = required
        self.additionalProperties = additionalProperties
    }

    public func node(named name: String) -> SchemaNode? {
        properties.first { $0.name == name }?.node
    }

    public static func == (lhs: ObjectSchema, rhs: ObjectSchema) -> Bool {
        lhs.required == rhs.required && lhs.additionalProperties == rhs.additionalProperties
            && lhs.properties.map(\.name) == rhs.properties.map(\.name)
            && lhs.properties.map(\.node) == rhs.properties.map(\.node)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(required)
        hasher.combine(additionalProperties)
        for property in properties {
            hasher.combine(property.name)
            hasher.combine(property.node)
        }
    }
}

public struct ArraySchema: Sendable, Hashable {
    public var items: SchemaNode
    public var minItems: Int
    public var maxItems: Int?
}

public struct StringSchema: Sendable, Hashable {
    public var minLength: Int
    public var maxLength: Int?
    public var format: StringFormat?
}

public struct NumberSchema: Sendable, Hashable {
    public var integral: Bool
    public var minimum: Double?
    public var maximum: Double?
}

/// The string formats the subset checks (any other `format` is refused at registration, so a
/// schema never promises a check the relay does not make).
public enum StringFormat: String, Sendable, Hashable, CaseIterable {
    case dateTime = "date-time"
    case uuid
    case email
    case uri
}
