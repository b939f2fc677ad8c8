/// Why bytes are not a JSON document, and where.
///
/// `offset` is the 0-based byte offset of the first offending byte, so a client can find the
/// mistake in what it sent even when the body is not valid UTF-8.
public struct JSONSyntaxError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "malformed JSON at byte \(offset): \(reason)" }
}

/// Why a request body was refused while parsing: not JSON, or a root array over its limit.
public enum JSONParseFailure: Error, Sendable, Hashable {
    case syntax(JSONSyntaxError)
    case tooManyElements(limit: Int)
}
