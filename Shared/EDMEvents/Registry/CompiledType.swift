/// A registered type's current version with its validator, compiled once when the registry
/// learns the version and shared by every request after.
public struct CompiledType: Sendable {
    public let type: RegisteredType
    public let validator: CompiledValidator
    /// The byte-level fast path's view of a flat schema (nil: nested fields, general path only).
    let fast: FastFields?

    public init(_ type: RegisteredType) {
        self.type = type
        validator = CompiledValidator(type.schema)
        fast = FastFields(type.schema)
    }
}
