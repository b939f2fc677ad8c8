import EDMCore
import Hummingbird

/// The accepted API keys or tokens. Several at once, so a key can be rotated without downtime.
/// Empty means the service runs open (it logs a warning at start-up).
public struct BearerTokens: Sendable {
    private let tokens: [[UInt8]]

    public init(_ tokens: [String]) {
        self.tokens = tokens.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    /// Reads a comma-separated list from `variable` (e.g. API_KEYS, STREAM_TOKENS).
    public init(environment: ConfigVars, variable: String) {
        self.init(environment.list(variable))
    }

    public var isOpen: Bool { tokens.isEmpty }

    /// Compares against every key in constant time (no early exit on the first differing byte
    /// or on the first matching key), so timing reveals nothing about the keys.
    public func accepts(_ candidate: String) -> Bool {
        let bytes = Array(candidate.utf8)
        var matched: UInt8 = 0
        for token in tokens {
            matched |= Self.constantTimeEqual(token, bytes) ? 1 : 0
        }
        return matched == 1
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}

/// Requires `Authorization: Bearer <token>` (and, when `allowQueryToken`, `?token=` for clients
/// such as browsers' WebSocket API that cannot set headers): 401 when absent, 403 when wrong.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    public let tokens: BearerTokens
    public let allowQueryToken: Bool
    /// Paths that stay open (health checks, metrics scrapes, CORS preflights are always open).
    public let openPaths: Set<String>

    public init(tokens: BearerTokens, allowQueryToken: Bool = false, openPaths: Set<String> = ["/health", "/ready", "/metrics"]) {
        self.tokens = tokens
        self.allowQueryToken = allowQueryToken
        self.openPaths = openPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !tokens.isOpen, request.method != .options, !openPaths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        guard let presented = Self.token(in: request, allowQuery: allowQueryToken) else {
            throw APIError(
                .unauthorized, code: "unauthorized", message: "missing credentials: send Authorization: Bearer <key>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard tokens.accepts(presented) else {
            throw APIError(.forbidden, code: "forbidden", message: "the key is not accepted")
        }
        return try await next(request, context)
    }

    /// The bearer value a request presents (`Authorization: Bearer <value>`, or `?token=` where
    /// allowed), not yet checked against any list: the one parser of credentials.
    public static func token(in request: Request, allowQuery: Bool) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return String(parts[1]).trimmingWhitespace
            }
            return nil
        }
        if allowQuery, let token = request.uri.queryParameters["token"] {
            return String(token)
        }
        return nil
    }
}
