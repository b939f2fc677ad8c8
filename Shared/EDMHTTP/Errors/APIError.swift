import EDMStatsAPI
import Foundation
import Hummingbird

/// An error a client can act on: an HTTP status, a stable machine-readable `code`, a message
/// for people, and optional per-item `details`. Rendered as
/// `{"error": {"code": "...", "message": "...", "details": [...]}}` on every service.
public struct APIError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    /// Where a problem is (`[2].properties.buttonId`, a parameter name) and what it is.
    public typealias Detail = ErrorDocument.Detail

    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [Detail]
    /// Events of the request that were stored although it failed (a 503 for a batch).
    public var stored: [ErrorDocument.StoredEvent]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, details: [Detail] = [],
        stored: [ErrorDocument.StoredEvent] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.stored = stored
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The body, as the one ``ErrorDocument`` every service answers with and every client reads.
    public var document: ErrorDocument {
        ErrorDocument(
            error: .init(
                code: code, message: message, details: details.isEmpty ? nil : details, stored: stored.isEmpty ? nil : stored))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(document))))
    }
}

extension APIError {
    public static func notFound(_ message: String = "no such route") -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    public static func badRequest(_ message: String, details: [Detail] = []) -> APIError {
        APIError(.badRequest, code: "bad_request", message: message, details: details)
    }

    /// 503 with Retry-After, for dependencies that are down (broker, database).
    public static func unavailable(_ message: String, retryAfterSeconds: Int) -> APIError {
        APIError(.serviceUnavailable, code: "unavailable", message: message, headers: [.retryAfter: String(retryAfterSeconds)])
    }
}
