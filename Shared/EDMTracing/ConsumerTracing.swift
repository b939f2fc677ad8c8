import EDMKafka
import Tracing

/// Consumer spans: `process {topic}` per record, a child of the producer's span named by the
/// record's `traceparent` (so relay and consumer spans share one trace), and, for consumers
/// that handle records in batches, one `process` span per batch that links every record's
/// producer span (OpenTelemetry's messaging conventions for batch receivers).
public struct ConsumerTracing: Sendable {
    /// The consumer group (`messaging.consumer.group.name`); nil for consumers outside a group.
    public let group: String?

    public init(group: String?) {
        self.group = group
    }

    /// The producer's context of a record, extracted by the tracer from the record's headers.
    public static func producerContext(of message: KafkaMessage, tracer: any Tracer) -> ServiceContext? {
        guard message.headers.header(named: TraceHeaderName.traceparent) != nil else { return nil }
        var context = ServiceContext.topLevel
        tracer.extract(message.headers, into: &context, using: KafkaHeadersExtractor())
        return context
    }

    /// A span per record, each ended by the caller (nil without a tracer). `batch`, when given,
    /// is linked from each record span, and each record's producer span is linked from it.
    public func startRecordSpans(_ messages: [KafkaMessage], batch: (any Span)? = nil) -> [any Span]? {
        let tracer = InstrumentationSystem.tracer
        guard !(tracer is NoOpTracer) else { return nil }
        return messages.map { message in
            let producer = Self.producerContext(of: message, tracer: tracer)
            let span = tracer.startSpan(
                MessagingOperation.process.spanName(destination: message.topic), context: producer ?? .topLevel,
                ofKind: .consumer)
            span.setMessaging(.process, topic: message.topic)
            span.setRecord(message)
            if let group { span.attributes[MessagingAttribute.consumerGroup] = group }
            if let batch {
                span.addLink(SpanLink(context: batch.context, attributes: [:]))
                if let producer { batch.addLink(SpanLink(context: producer, attributes: [:])) }
            }
            return span
        }
    }

    /// Runs `body` inside a batch span linking the batch's records (and their record spans
    /// inside it); with no tracer it just runs `body`.
    public func withBatchSpan<T>(_ messages: [KafkaMessage], _ body: () async throws -> T) async rethrows -> T {
        let tracer = InstrumentationSystem.tracer
        guard !(tracer is NoOpTracer), !messages.isEmpty else { return try await body() }
        let topics = Set(messages.map(\.topic))
        let batch = tracer.startSpan(
            MessagingOperation.process.spanName(destination: topics.count == 1 ? topics.first : nil),
            context: .topLevel, ofKind: .consumer)
        batch.setMessaging(.process, topic: topics.count == 1 ? topics.first : nil)
        batch.attributes[MessagingAttribute.batchCount] = messages.count
        if let group { batch.attributes[MessagingAttribute.consumerGroup] = group }
        let records = startRecordSpans(messages, batch: batch) ?? []
        defer {
            for span in records { span.end() }
            batch.end()
        }
        return try await ServiceContext.$current.withValue(batch.context) {
            try await body()
        }
    }
}
