import Foundation
import Hummingbird

/// An error a client can act on: an HTTP status, a stable machine-readable `code`, a message
/// for people, and optional per-item `details`. Rendered as
/// `{"error": {"code": "...", "message": "...", "details": [...]}}` on every service.
public struct APIError: HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    public struct Detail: Codable, Sendable, Equatable {
        /// Where the problem is: a JSON path such as `[2].properties.buttonId`, or a parameter name.
        public var path: String
        public var message: String
        public var code: String?

        public init(path: String, message: String, code: String? = nil) {
            self.path = path
            self.message = message
            self.code = code
        }
    }

    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: [Detail]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, details: [Detail] = [],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    struct Body: Codable {
        struct Payload: Codable {
            var code: String
            var message: String
            var details: [Detail]?
        }
        var error: Payload
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(code: code, message: message, details: details.isEmpty ? nil : details))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
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
