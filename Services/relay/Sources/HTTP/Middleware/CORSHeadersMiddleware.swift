import EDMHTTP
import Hummingbird

/// Adds `Access-Control-Allow-Origin` (and friends) to every response, errors included, for a
/// request whose `Origin` the policy allows, so browsers can read the relay's answers.
/// Preflights are answered by the `OPTIONS` routes (``CORSPreflight``).
///
/// Not Hummingbird's `CORSMiddleware` (stats uses that one, for its fixed `*` policy): it sends
/// `Access-Control-Expose-Headers` only on preflights, so browsers could not read `Retry-After`
/// on a 429 or 503, and its origin list (`oneOf`) is variadic, so it cannot take
/// `CORS_ALLOWED_ORIGINS` read at start-up.
struct CORSHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: CORSPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard policy.isEnabled, let origin = request.headers[.origin] else {
            return try await next(request, context)
        }
        let allowed = policy.allowedOrigin(for: origin)
        do {
            var response = try await next(request, context)
            decorate(&response.headers, allowed: allowed)
            return response
        } catch var error as APIError {
            decorate(&error.headers, allowed: allowed)
            throw error
        }
    }

    private func decorate(_ headers: inout HTTPFields, allowed: String?) {
        if policy.origins != .any {
            headers[values: .vary].append("Origin")
        }
        guard let allowed else { return }
        headers[.accessControlAllowOrigin] = allowed
        headers[.accessControlExposeHeaders] = "Retry-After"
    }
}

/// The answer to a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`):
/// 204, with the allowed method and headers when the origin is allowed. A refused origin gets
/// the same 204 without them, which browsers treat as a refusal.
enum CORSPreflight {
    static func response(to request: Request, policy: CORSPolicy) -> Response {
        var headers: HTTPFields = [:]
        if let origin = request.headers[.origin], policy.allowedOrigin(for: origin) != nil {
            headers[.accessControlAllowMethods] = "POST, OPTIONS"
            headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
            headers[.accessControlMaxAge] = "600"
        }
        return Response(status: .noContent, headers: headers)
    }
}
