import EDMCore
import EDMHTTP
import HTTPTypes
import Hummingbird

/// Limits event POSTs per client with ``TokenBucketLimiter``: 429 with Retry-After when a
/// client's bucket is empty. The client is its API key when that key is one of `API_KEYS` (an
/// unverified bearer value, as on a relay without keys, would let a client pick a fresh bucket
/// per request), otherwise its address: the last `X-Forwarded-For` hop (the one Heroku's
/// router appends) or the TCP peer.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext

    let limiter: TokenBucketLimiter
    let keys: BearerTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        switch limiter.take(Self.clientKey(request, context, keys: keys)) {
        case .allowed:
            return try await next(request, context)
        case .limited(let retryAfter):
            throw APIError(
                .tooManyRequests, code: "rate_limited",
                message: "too many requests for this client; retry in \(retryAfter) s",
                headers: [.retryAfter: String(retryAfter)])
        }
    }

    static func clientKey(_ request: Request, _ context: Context, keys: BearerTokens) -> String {
        if !keys.isOpen, let key = BearerAuthMiddleware<Context>.token(in: request, allowQuery: false), keys.accepts(key) {
            return "key:" + key
        }
        return "addr:" + ClientAddress.of(request, peer: context.peerAddress)
    }
}
