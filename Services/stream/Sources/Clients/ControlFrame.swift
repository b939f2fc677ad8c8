import EDMEvents
import Hummingbird

/// Frames that are not events. Each is a JSON object with a `kind` member, which events never
/// have (they carry `type`), so a client tells them apart with one key lookup.
enum ControlFrame: Sendable, Equatable {
    /// The client is receiving live events from here on; `replayed` history events came before.
    case live(replayed: Int)
    /// `count` events were not sent to this client because its queue was full.
    case dropped(count: Int)
    /// The filter now in force (answer to a `{"filter": ...}` message).
    case filter(StreamFilter)
    /// A client message could not be used; the connection stays open.
    case error(code: String, message: String, details: [FilterViolation] = [])

    var jsonValue: JSONValue {
        switch self {
        case .live(let replayed):
            ["kind": "live", "replayed": .integer(Int64(replayed))]
        case .dropped(let count):
            ["kind": "dropped", "count": .integer(Int64(count))]
        case .filter(let filter):
            ["kind": "filter", "filter": filter.jsonValue]
        case .error(let code, let message, let details):
            details.isEmpty
                ? ["kind": "error", "code": .string(code), "message": .string(message)]
                : [
                    "kind": "error", "code": .string(code), "message": .string(message),
                    "details": .array(details.map { ["path": .string($0.path), "message": .string($0.message)] }),
                ]
        }
    }

    var buffer: ByteBuffer { ByteBuffer(bytes: jsonValue.serialized()) }
}
