import EDMEvents
import Foundation
import Hummingbird

/// The 202 body: `{"accepted": n, "ids": [...]}`, the ids in request order.
enum AcceptedResponse {
    /// Written byte by byte (the same bytes `JSONValue.serialized()` gives, which
    /// `AcceptedResponseTests` checks): every accepted request builds one, and the JSON tree with
    /// its sorted keys and two Strings per id was a visible share of a single-event request.
    static func make(ids: [UUID]) -> Response {
        json(body(ids: ids), status: .accepted)
    }

    static func body(ids: [UUID]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(26 + ids.count * 39)
        bytes += #"{"accepted":"#.utf8
        bytes += String(ids.count).utf8
        bytes += #","ids":["#.utf8
        for (position, id) in ids.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            id.appendLowercase(to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes += "]}".utf8
        return bytes
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(value.serializedBytes(), status: status)
    }

    private static func json(_ bytes: [UInt8], status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
