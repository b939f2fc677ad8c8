import EDMEvents
import Foundation
import Hummingbird

/// The 202 body: `{"accepted": n, "ids": [...]}`, the ids in request order.
enum AcceptedResponse {
    static func make(ids: [UUID]) -> Response {
        let body: JSONValue = [
            "accepted": .integer(Int64(ids.count)),
            "ids": .array(ids.map { .string($0.uuidString.lowercased()) }),
        ]
        return json(body, status: .accepted)
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }
}
