import EDMCore
import EDMHTTP
import HTTPTypes
import Hummingbird

/// Limits event POSTs per client with ``TokenBucketLimiter``: 429 with Retry-After when a
/// client's bucket is empty. The client is its API key when it sent one (auth runs first, so
/// the key is valid), otherwise its address: the last `X-Forwarded-For` hop (the one Heroku's
/// router appends) or the TCP peer.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext

    let limiter: TokenBucketLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        switch limiter.take(Self.clientKey(request, context)) {
        case .allowed:
            return try await next(request, context)
        case .limited(let retryAfter):
            throw APIError(
                .tooManyRequests, code: "rate_limited",
                message: "too many requests for this client; retry in \(retryAfter) s",
                headers: [.retryAfter: String(retryAfter)])
        }
    }

    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    static func clientKey(_ request: Request, _ context: Context) -> String {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return "key:" + parts[1]
            }
        }
        if let forwarded = request.headers[Self.forwardedFor],
            let last = forwarded.split(separator: ",").last.map({ String($0).trimmingWhitespace }),
            !last.isEmpty
        {
            return "addr:" + last
        }
        return "addr:" + (context.peerAddress ?? "unknown")
    }
}
