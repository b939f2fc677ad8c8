import EDMCore
import EDMKafka
import EDMTracing
import InMemoryTracing
import Logging
import Synchronization
import Testing
import Tracing

/// Producer and consumer spans with swift-distributed-tracing's in-memory tracer, and what
/// happens with none (`NoOpTracer`).
@Suite("Messaging spans")
struct SpanTests {
    static let request = TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")!

    static func requestContext() -> ServiceContext {
        var context = ServiceContext.topLevel
        context.eventTrace = request
        context.eventTraceState = "rojo=1"
        return context
    }

    /// A consumed record carrying the headers a send wrote.
    static func record(_ send: ProducerTracing.Send, topic: String, offset: Int64) -> KafkaMessage {
        let headers = EventRecordHeaders(eventType: "click", schemaVersion: 1, traceParent: send.traceParent).kafkaHeaders
        return KafkaMessage(
            topic: topic, partition: 2, offset: offset, key: Array("session".utf8), value: Array("{}".utf8),
            timestampMilliseconds: nil, headers: headers + send.tracerHeaders)
    }

    @Test("without a tracer, records continue the request's trace with span ids of their own, and no spans start")
    func noTracer() {
        let tracing = ProducerTracing(context: Self.requestContext())
        let sends = (0..<3).map { tracing.start(topic: "t", key: "k", messageID: nil, index: $0) }
        #expect(sends.allSatisfy { $0.span == nil && $0.tracerHeaders.isEmpty })
        #expect(Set(sends.map(\.traceParent.traceID)) == [Self.request.traceID])
        #expect(Set(sends.map(\.traceParent.spanID)).count == 3)
        #expect(!sends.contains { $0.traceParent.spanID == Self.request.spanID })
        #expect(tracing.traceState == "rojo=1")
        let records = sends.enumerated().map { Self.record($1, topic: "t", offset: Int64($0)) }
        #expect(ConsumerTracing(group: "g").startRecordSpans(records) == nil)
    }

    @Test("a request without a trace gets a new one")
    func newTrace() {
        let first = ProducerTracing(context: nil).start(topic: "t", key: nil, messageID: nil, index: 0)
        let second = ProducerTracing(context: nil).start(topic: "t", key: nil, messageID: nil, index: 0)
        #expect(first.traceParent.traceID != second.traceParent.traceID)
    }

    @Test("producer spans, then a batch span linking its records and record spans parented by the producer spans")
    func producerAndConsumer() async throws {
        let tracer = InMemoryTracer()
        try await withTracer(tracer) { try await Self.sendAndConsume(tracer) }
    }

    static func sendAndConsume(_ tracer: InMemoryTracer) async throws {
        do {
            let tracing = ProducerTracing(context: Self.requestContext())
            let sends = (0..<2).map { tracing.start(topic: "edm-ui-click", key: "s-\($0)", messageID: "id-\($0)", index: $0) }
            for (index, send) in sends.enumerated() {
                ProducerTracing.finish(send, with: .success(DeliveryReport(topic: "edm-ui-click", partition: 2, offset: Int64(index))))
            }
            let producers = tracer.popFinishedSpans()
            #expect(producers.count == 2)
            #expect(producers.allSatisfy { $0.kind == .producer && $0.operationName == "send edm-ui-click" })
            #expect(producers[0].attributes["messaging.system"]?.toSpanAttribute() == "kafka")
            #expect(producers[0].attributes["messaging.operation.type"]?.toSpanAttribute() == "send")
            #expect(producers[1].attributes["messaging.message.id"]?.toSpanAttribute() == "id-1")
            #expect(producers[1].attributes["messaging.kafka.offset"]?.toSpanAttribute() == 1)
            #expect(producers[1].attributes["messaging.destination.partition.id"]?.toSpanAttribute() == "2")

            let records = sends.enumerated().map { Self.record($1, topic: "edm-ui-click", offset: Int64($0)) }
            let inside = try await ConsumerTracing(group: "edm-consumer-group-2").withBatchSpan(records) {
                try #require(ServiceContext.current)
            }
            let consumed = tracer.popFinishedSpans()
            let batch = try #require(consumed.first { $0.operationName == "process edm-ui-click" && $0.links.count == 2 })
            #expect(batch.kind == .consumer)
            #expect(batch.attributes["messaging.batch.message_count"]?.toSpanAttribute() == 2)
            #expect(inside.inMemorySpanContext?.spanID == batch.spanID)
            let recordSpans = consumed.filter { $0.spanID != batch.spanID }
            #expect(recordSpans.count == 2)
            for (span, producer) in zip(recordSpans, producers) {
                #expect(span.kind == .consumer)
                #expect(span.traceID == producer.traceID)
                #expect(span.parentSpanID == producer.spanID)
                #expect(span.links.first?.context.inMemorySpanContext?.spanID == batch.spanID)
                #expect(span.attributes["messaging.consumer.group.name"]?.toSpanAttribute() == "edm-consumer-group-2")
            }
            #expect(batch.links.map { $0.context.inMemorySpanContext?.spanID } == producers.map(\.spanID))
        }
    }

    @Test("log lines inside a traced task carry trace_id and span_id; outside, none")
    func logMetadata() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "t") { label in
            LogfmtLogHandler(label: label, metadataProvider: TraceLogMetadata.provider) { line in
                lines.withLock { $0.append(line) }
            }
        }
        logger.logLevel = .info
        logger.info("outside")
        ServiceContext.withValue(Self.requestContext()) {
            logger.info("inside")
        }
        let written = lines.withLock { $0 }
        #expect(written.count == 2)
        #expect(!written[0].contains("trace_id"))
        #expect(written[1].contains("trace_id=4bf92f3577b34da6a3ce929d0e0e4736"))
        #expect(written[1].contains("span_id=00f067aa0ba902b7"))
    }
}
