/// Why a registration body was refused: 400 with the JSON path of the offending keyword
/// (`schema.properties.plan.enum[2]`), so an author fixes the schema in one round trip.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
