import Hummingbird

/// Counts every request by matched route (not raw path, so unknown URLs cannot blow up the
/// series count), method and final status.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code)
            return response
        } catch let error as HTTPResponseError {
            record(request, context, status: error.status.code)
            throw error
        } catch {
            record(request, context, status: 500)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int) {
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        RelayMetrics.request(route: route, method: request.method.rawValue, status: status)
    }
}
