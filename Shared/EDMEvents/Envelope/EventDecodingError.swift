/// Why a message read from Kafka is not an event this build can handle.
///
/// Separate cases let a consumer choose: `unknownType` and `unsupportedSchemaVersion` come from
/// a newer producer (skip, or stop and upgrade), `malformedJSON` and `invalid` are poison
/// messages (log, count, skip). None of them may crash-loop a consumer.
public enum EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformedJSON(JSONSyntaxError)
    case invalid(ValidationFailure)
    case unknownType(String, known: [String])
    case unsupportedSchemaVersion(Int)

    public var description: String {
        switch self {
        case .malformedJSON(let error): error.description
        case .invalid(let failure): failure.description
        case .unknownType(let type, let known):
            "unknown event type \(JSONValue.string(type).compactText); known types: "
                + known.joined(separator: ", ")
        case .unsupportedSchemaVersion(let version):
            "schemaVersion \(version) is newer than this build understands "
                + "(\(EventEnvelope.currentSchemaVersion)); upgrade the consumer"
        }
    }
}
