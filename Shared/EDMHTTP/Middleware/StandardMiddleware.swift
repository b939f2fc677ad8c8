import Hummingbird

/// The middleware every service's router starts with, in this order: the W3C trace context
/// (``TraceContextMiddleware``), a log line per request,
/// Hummingbird's request metrics (`http_server_requests_total{http_route,...}` and
/// `http_server_request_duration_seconds`, by matched route so unknown URLs cannot grow the
/// series count), and uniform JSON errors. Add it before any route: Hummingbird applies a
/// middleware only to routes added after it.
public enum StandardMiddleware {
    public static func add<Context: RequestContext>(to router: Router<Context>) {
        addObservability(to: router)
        addJSONErrors(to: router)
    }

    /// Trace context, then request logs and metrics: outermost, so they see every final
    /// status, and the request's log line carries its trace id.
    public static func addObservability<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: TraceContextMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware())
    }

    /// Uniform JSON errors. A middleware that must see every error as an ``APIError`` (CORS
    /// headers on errors) goes between ``addObservability(to:)`` and this.
    public static func addJSONErrors<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: JSONErrorMiddleware())
    }
}
