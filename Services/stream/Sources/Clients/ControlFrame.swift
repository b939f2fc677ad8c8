import EDMCore
import EDMEvents
import Hummingbird

/// Frames that are not events. Each is a JSON object with a `kind` member, which events never
/// have (they carry `type`), so a client tells them apart with one key lookup.
enum ControlFrame: Sendable, Equatable {
    /// The client is receiving live events from here on; `replayed` history events came before.
    /// `cursor` names where live delivery starts: everything before it was delivered.
    case live(replayed: Int, cursor: StreamCursor?)
    /// Everything before `cursor` was delivered (or filtered out): reconnect with `resume=`.
    case checkpoint(StreamCursor)
    /// A resume cursor pointed below what Kafka still retains: these records are gone.
    case gap([ResumeGap])
    /// `count` events were not sent to this client because its queue was full.
    case dropped(count: Int)
    /// The filter now in force (answer to a `{"filter": ...}` message).
    case filter(StreamFilter)
    /// A client message could not be used; the connection stays open.
    case error(code: String, message: String, details: [FilterViolation] = [])

    var jsonValue: JSONValue {
        switch self {
        case .live(let replayed, let cursor?):
            ["kind": "live", "replayed": .integer(Int64(replayed)), "cursor": .string(cursor.encoded)]
        case .live(let replayed, nil):
            ["kind": "live", "replayed": .integer(Int64(replayed))]
        case .checkpoint(let cursor):
            ["kind": "checkpoint", "cursor": .string(cursor.encoded)]
        case .gap(let gaps):
            [
                "kind": "gap", "missed": .integer(gaps.reduce(0) { $0.saturatingAdding($1.missed) }),
                "partitions": .array(gaps.map(\.jsonValue)),
            ]
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
