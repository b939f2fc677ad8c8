import EDMKafka
import Foundation
import Tracing

/// Trace context for the records one request produces. With a tracer, each record gets a
/// `send {topic}` producer span (a child of the request's span) and the record's `traceparent`
/// names that span; without one, the record's `traceparent` continues the request's trace with
/// an id of its own, so consumers can still tie the record to the request.
public struct ProducerTracing: Sendable {
    private let context: ServiceContext
    private let trace: TraceParent
    private let ids: SpanIDSequence
    private let tracer: (any Tracer)?
    /// The caller's `tracestate`, forwarded on every record.
    public let traceState: String?

    /// Reads the request's trace from `context` (the task's by default); starts one when the
    /// request came without.
    public init(context: ServiceContext? = ServiceContext.current) {
        let context = context ?? .topLevel
        let tracer = InstrumentationSystem.tracer
        self.tracer = tracer is NoOpTracer ? nil : tracer
        self.context = context
        trace = context.eventTrace ?? TraceIDGenerator.newTrace()
        traceState = context.eventTraceState
        ids = SpanIDSequence(seed: trace.spanID)
    }

    /// A started record: its `traceparent`, its span when one is recorded, and any other
    /// headers the tracer propagates its context in (for tracers that do not speak W3C).
    public struct Send: Sendable {
        public let traceParent: TraceParent
        public let span: (any Span)?
        public var tracerHeaders: [KafkaHeader] = []
    }

    /// Starts record `index` of the request; the caller ends it with ``finish(_:with:)``.
    public func start(topic: String, key: String?, messageID: String?, index: Int) -> Send {
        guard let tracer else { return Send(traceParent: trace.child(spanID: ids.id(index)), span: nil) }
        let span = tracer.startSpan(MessagingOperation.send.spanName(destination: topic), context: context, ofKind: .producer)
        span.setMessaging(.send, topic: topic)
        if let key { span.attributes[MessagingAttribute.kafkaKey] = key }
        if let messageID { span.attributes[MessagingAttribute.messageID] = messageID }
        var injected: [KafkaHeader] = []
        tracer.inject(span.context, into: &injected, using: KafkaHeadersInjector())
        let parent = injected.string(named: TraceHeaderName.traceparent).flatMap { TraceParent(header: $0) }
        return Send(
            traceParent: parent ?? trace.child(spanID: ids.id(index)), span: span,
            tracerHeaders: injected.filter { $0.key != TraceHeaderName.traceparent && $0.key != TraceHeaderName.tracestate })
    }

    /// Ends a record's span with where the broker stored it, or with the error.
    public static func finish(_ send: Send, with result: Result<DeliveryReport, KafkaError>) {
        guard let span = send.span else { return }
        switch result {
        case .success(let report):
            span.attributes[MessagingAttribute.partitionID] = String(report.partition)
            span.attributes[MessagingAttribute.kafkaOffset] = Int(report.offset)
        case .failure(let error):
            span.attributes[MessagingAttribute.errorType] = error.codeName.isEmpty ? "\(error.kind)" : error.codeName
            span.setStatus(SpanStatus(code: .error, message: error.description))
        }
        span.end()
    }
}
