import EDMTracing
import HTTPTypes
import Hummingbird
import Tracing

/// Continues the caller's W3C trace, or starts one: reads `traceparent` and `tracestate`, keeps
/// a valid pair in the task's `ServiceContext` with a span id of this hop (so Kafka headers and
/// log lines name the trace even when no spans are recorded), and, when a tracer is
/// bootstrapped, runs the request in a server span that continues the caller's trace. An invalid
/// `traceparent` is ignored (a new trace starts) rather than failing the request, as the W3C
/// recommendation says.
public struct TraceContextMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var serviceContext = ServiceContext.current ?? .topLevel
        let incoming = request.headers[.traceparent].flatMap { TraceParent(header: $0) }
        if let incoming {
            serviceContext.eventTrace = incoming.child(spanID: TraceIDGenerator.next())
            serviceContext.eventTraceState = request.headers[.tracestate].flatMap { TraceState.validated($0) }
        } else {
            serviceContext.eventTrace = TraceIDGenerator.newTrace()
        }
        let tracer = InstrumentationSystem.tracer
        guard !(tracer is NoOpTracer) else {
            return try await ServiceContext.withValue(serviceContext) { try await next(request, context) }
        }
        if incoming != nil {
            tracer.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        }
        let span = tracer.startSpan("\(request.method.rawValue) \(request.uri.path)", context: serviceContext, ofKind: .server)
        span.attributes["http.request.method"] = request.method.rawValue
        span.attributes["url.path"] = request.uri.path
        defer { span.end() }
        return try await ServiceContext.withValue(span.context) {
            do {
                let response = try await next(request, context)
                span.attributes["http.response.status_code"] = response.status.code
                if response.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
                return response
            } catch let error as HTTPResponseError {
                span.attributes["http.response.status_code"] = error.status.code
                if error.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
                throw error
            } catch {
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
                throw error
            }
        }
    }
}

/// Reads W3C headers from a request for a tracer's `extract`.
struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}

extension HTTPField.Name {
    static let traceparent = Self("traceparent")!
    static let tracestate = Self("tracestate")!
}
