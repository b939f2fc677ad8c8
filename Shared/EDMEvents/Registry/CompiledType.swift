/// A registered type's current version with its validator, compiled once when the registry
/// learns the version and shared by every request after.
public struct CompiledType: Sendable {
    public let type: RegisteredType
    public let validator: CompiledValidator
    /// The byte-level fast path's view of a flat schema (nil: nested fields, general path only).
    let fast: FastFields?
    /// The canonical envelope's fixed end after the session id: `,"source":"v1","type":...}`.
    let envelopeSuffix: [UInt8]

    public init(_ type: RegisteredType) {
        self.type = type
        validator = CompiledValidator(type.schema)
        fast = FastFields(type.schema)
        var suffix = Array(#","source":"v1","type":"#.utf8)
        JSONValue.writeString(type.name, to: &suffix)
        suffix += Array(#","typeVersion":"#.utf8) + Array(String(type.version).utf8) + [UInt8(ascii: "}")]
        envelopeSuffix = suffix
    }
}
