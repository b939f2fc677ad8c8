import EDMHTTP
import Hummingbird

/// Refuses a reused Idempotency-Key whose body differs from the first request's (422), per
/// client: the verified API key, else the client address.
struct IdempotencyCheck: Sendable {
    let ledger: IdempotencyLedger
    let keys: BearerTokens

    func admit(
        _ key: IdempotencyKey?, _ parsed: InboundEvents.Parsed, request: Request, context: RelayRequestContext
    ) throws(APIError) {
        guard let key, let digest = parsed.bodyDigest else { return }
        let scope = RateLimitMiddleware.clientKey(request, context, keys: keys)
        guard ledger.admit(scope: scope, key: key, digest: digest) else {
            throw APIError(
                .unprocessableContent, code: "idempotency_key_reused",
                message: "this Idempotency-Key was used for a different request body; use a new key for a new request")
        }
    }
}
