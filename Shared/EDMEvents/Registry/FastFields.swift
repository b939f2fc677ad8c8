/// A registered schema flattened for the byte-level fast path (``RegisteredRequestEncoder``):
/// its top-level fields in canonical key order, each with the checks of its scalar kind. Only
/// schemas whose every property is a scalar (string, enum, number, integer, boolean) have one;
/// events of other schemas always take the general path.
struct FastFields: Sendable {
    enum Kind: Sendable {
        case string(min: Int, max: Int, format: StringFormat?)
        case enumeration([[UInt8]])
        case number(integral: Bool, minimum: Double, maximum: Double)
        case boolean
    }

    struct Field: Sendable {
        let name: [UInt8]
        /// `"name":` as the serializer writes it.
        let canonicalKey: [UInt8]
        let kind: Kind
        let required: Bool
    }

    /// Sorted by name bytes, the canonical order.
    let fields: [Field]
    let requiredCount: Int

    init?(_ schema: ObjectSchema) {
        guard !schema.additionalProperties else { return nil }
        var fields: [Field] = []
        for (name, node) in schema.properties {
            let kind: Kind
            switch node {
            case .string(let string): kind = .string(min: string.minLength, max: string.maxLength ?? Int.max, format: string.format)
            case .enumeration(let values): kind = .enumeration(values.map { Array($0.utf8) })
            case .number(let number):
                kind = .number(
                    integral: number.integral, minimum: number.minimum ?? -Double.infinity, maximum: number.maximum ?? Double.infinity)
            case .boolean: kind = .boolean
            case .object, .array: return nil
            }
            var key: [UInt8] = []
            JSONValue.writeString(name, to: &key)
            key.append(UInt8(ascii: ":"))
            fields.append(Field(name: Array(name.utf8), canonicalKey: key, kind: kind, required: schema.required.contains(name)))
        }
        fields.sort { $0.name.lexicographicallyPrecedes($1.name) }
        self.fields = fields
        requiredCount = fields.filter(\.required).count
    }
}
