import Hummingbird

/// Runs `wrapped` except for paths under `prefix` (routes that authorize on their own).
struct ExceptPathPrefix<Wrapped: RouterMiddleware>: RouterMiddleware {
    typealias Context = Wrapped.Context

    let prefix: String
    let wrapped: Wrapped

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix(prefix) { return try await next(request, context) }
        return try await wrapped.handle(request, context: context, next: next)
    }
}
