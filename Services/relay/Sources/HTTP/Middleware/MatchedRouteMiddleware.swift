import Hummingbird

/// Runs `wrapped` only for requests that matched a route, so an unknown URL gets its 404
/// whatever the credentials (the routes are public in /openapi.json anyway) and costs no
/// rate-limit token. The router names the matched route before middleware runs; unmatched
/// requests reach the middleware without one.
struct MatchedRouteMiddleware<Wrapped: RouterMiddleware>: RouterMiddleware where Wrapped.Context: RequestContext {
    typealias Context = Wrapped.Context

    let wrapped: Wrapped

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.endpointPath != nil else { return try await next(request, context) }
        return try await wrapped.handle(request, context: context, next: next)
    }
}
