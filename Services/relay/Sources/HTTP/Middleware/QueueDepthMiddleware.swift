import EDMKafka
import Hummingbird

/// Samples the producer's queue depth into its gauge just before `/metrics` renders, so a
/// scrape always sees the current value, not the one left by the last request.
struct QueueDepthMiddleware<Context: RequestContext>: RouterMiddleware {
    let producer: KafkaProducer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/metrics" {
            RelayMetrics.queueDepth(producer.queueDepth)
        }
        return try await next(request, context)
    }
}
