import EDMEvents
import EDMHTTP
import Foundation
import HTTPTypes
import Hummingbird

/// The `Idempotency-Key` request header (IETF httpapi draft): the client's name for one
/// request, sent again with every retry of it. Events without their own `id` (all legacy
/// events) get ids derived from the key, their place in the request and their content, so a
/// retried request yields the same ids on any relay instance and stats counts it once.
struct IdempotencyKey: Sendable, Hashable {
    let value: String

    static let header = HTTPField.Name("Idempotency-Key")!
    static let maxLength = 255

    /// The request's key: nil when it sends none; 400 when the value is unusable.
    static func from(_ request: Request) throws(APIError) -> IdempotencyKey? {
        guard let raw = request.headers[header] else { return nil }
        var value = raw.trimmingCharacters(in: .whitespaces)
        // The draft sends it as a structured-field string ("..."); a bare token is accepted too.
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        guard !value.isEmpty, value.utf8.count <= maxLength,
            value.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else {
            throw APIError(
                .badRequest, code: "invalid_idempotency_key",
                message: "Idempotency-Key must be 1 to \(maxLength) printable ASCII characters without spaces, quotes or backslashes")
        }
        return IdempotencyKey(value: value)
    }

    /// The id of the event at `index` of the request, whose canonical JSON as sent
    /// (`JSONValue.serializedBytes()`, whichever path read it) is `content`.
    func eventID(index: Int, content: [UInt8]) -> UUID {
        DerivedEventID.make(
            namespace: "edm-idempotency-key", [value, String(index), String(decoding: content, as: UTF8.self)])
    }

    /// A digest of a whole request body's canonical JSON, to tell a retry from a reuse of the key.
    static func digest(of canonicalBody: [UInt8]) -> UUID {
        DerivedEventID.make(namespace: "edm-request-body", bytes: canonicalBody)
    }
}
