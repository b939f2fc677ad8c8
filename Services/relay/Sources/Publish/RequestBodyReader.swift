import EDMHTTP
import Foundation
import Hummingbird

/// Reads a JSON request body within the size limit: 415 for another content type, 413 as soon
/// as Content-Length or the bytes received so far exceed the limit (a client that sends no
/// Content-Length, or a wrong one, is stopped while reading, never buffered whole).
struct RequestBodyReader: Sendable {
    let maxBytes: Int

    func read(_ request: Request) async throws -> Data {
        try Self.requireJSON(request.headers[.contentType])
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                throw APIError.badRequest("Content-Length \(declared.debugDescription) is not a byte count")
            }
            guard length <= maxBytes else { throw tooLarge(length) }
        }
        var body = Data()
        for try await buffer in request.body {
            guard body.count + buffer.readableBytes <= maxBytes else {
                throw tooLarge(body.count + buffer.readableBytes, atLeast: true)
            }
            body.append(contentsOf: buffer.readableBytesView)
        }
        return body
    }

    private func tooLarge(_ bytes: Int, atLeast: Bool = false) -> APIError {
        APIError(
            .contentTooLarge, code: "payload_too_large",
            message: "the body is \(atLeast ? "at least " : "")\(bytes) bytes; the limit is \(maxBytes)")
    }

    /// Accepts `application/json` and `application/*+json`, with any parameters (charset).
    static func requireJSON(_ contentType: String?) throws {
        guard let contentType else {
            throw unsupported("no Content-Type; send Content-Type: application/json")
        }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
        else {
            throw unsupported("Content-Type \(mediaType.debugDescription) is not supported; send application/json")
        }
    }

    private static func unsupported(_ message: String) -> APIError {
        APIError(.unsupportedMediaType, code: "unsupported_media_type", message: message)
    }
}
