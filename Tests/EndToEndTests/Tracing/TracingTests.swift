import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// One event followed through the system by its trace: relay, stats and stream export their
/// spans over OTLP/HTTP to a receiver the test runs, and the record's headers, read by
/// kafka-python, name the relay's producer span.
@Suite("Tracing an event", .serialized)
struct TracingTests {
    static let callerTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpanID = "00f067aa0ba902b7"

    static let headerReader = """
        import json, sys
        from kafka import KafkaConsumer
        consumer = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1], auto_offset_reset="earliest",
                                 consumer_timeout_ms=15000, group_id=None)
        for record in consumer:
            print(json.dumps({k: v.decode() for k, v in record.headers}))
            break
        """

    @Test("relay, stats and stream spans of one posted event share its trace id, parented and linked as sent")
    func oneEventOneTrace() async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let system = try await RunningSystem.start()
        let export = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        ]
        let relay = try await ServiceProcess.start("relay", environment: system.kafka.merging(export) { $1 }, http: system.http)
        let stats = try await system.stats(export.merging(["STATS_SESSION_TIMEOUT_MS": "6000"]) { $1 })
        let stream = try await ServiceProcess.start("stream", environment: system.kafka.merging(export) { $1 }, http: system.http)
        let listener = StreamListener(url: "ws://127.0.0.1:\(stream.port)/v1/stream")
        defer { listener.stop() }
        #expect(try await eventually(timeout: .seconds(30)) { listener.isLive || listener.hasEnded })

        let id = UUID().uuidString.lowercased()
        let occurredAt = ISO8601DateFormatter().string(from: Date())
        let reply = try await system.http.postJSON(
            relay.baseURL + "/v1/events",
            #"{"id":"\#(id)","type":"click","sessionId":"traced","occurredAt":"\#(occurredAt)","properties":{"buttonId":"traced-button"}}"#,
            headers: [("traceparent", "00-\(Self.callerTraceID)-\(Self.callerSpanID)-01")])
        #expect(reply.status == 202, "\(reply.text)")

        // Every service's spans of the trace arrive (stats and stream after they read the record).
        let arrived = try await eventually(timeout: .seconds(60)) {
            let services = Set(receiver.spans.filter { $0.traceID == Self.callerTraceID }.map(\.service))
            return services.isSuperset(of: ["relay", "stats", "stream"])
        }
        let spans = receiver.spans
        #expect(arrived, "spans received: \(spans)")
        let traced = spans.filter { $0.traceID == Self.callerTraceID }

        // relay: the server span continues the caller's span; the producer span is its child.
        let server = try #require(traced.first { $0.service == "relay" && $0.name == "POST /v1/events" })
        #expect(server.parentSpanID == Self.callerSpanID)
        #expect(server.kind == 2)  // SERVER
        let send = try #require(traced.first { $0.service == "relay" && $0.name == "send edm-ui-click" })
        #expect(send.kind == 4)  // PRODUCER
        #expect(send.parentSpanID == server.spanID)
        #expect(send.attributes["messaging.system"] == "kafka")
        #expect(send.attributes["messaging.operation.type"] == "send")
        #expect(send.attributes["messaging.destination.name"] == "edm-ui-click")
        #expect(send.attributes["messaging.message.id"] == id)
        #expect(send.attributes["messaging.destination.partition.id"] != nil)

        // stats and stream: a consumer span per record, a child of the producer span.
        for service in ["stats", "stream"] {
            let process = try #require(traced.first { $0.service == service && $0.name == "process edm-ui-click" })
            #expect(process.kind == 5)  // CONSUMER
            #expect(process.parentSpanID == send.spanID, "\(service)")
            #expect(process.attributes["messaging.operation.type"] == "process")
        }
        #expect(traced.first { $0.service == "stats" }?.attributes["messaging.consumer.group.name"] == "edm-consumer-group-2")
        // stats' batch span (a trace of its own) links the producer span, and the record span links it.
        let statsRecord = try #require(traced.first { $0.service == "stats" && $0.name == "process edm-ui-click" })
        let batch = try #require(spans.first { $0.service == "stats" && $0.links.contains(send.spanID) })
        #expect(batch.attributes["messaging.batch.message_count"] == "1")
        #expect(statsRecord.links == [batch.spanID])

        // The record's headers, read by kafka-python, name the producer span.
        let read = try await runCommand("/usr/bin/python3", ["-c", Self.headerReader, system.broker.bootstrapServers, "edm-ui-click"])
        try #require(read.status == 0, "kafka-python: \(read.stderr)")
        let headers = try JSONValue.parse(read.stdout)
        #expect(headers["traceparent"]?.stringValue == "00-\(Self.callerTraceID)-\(send.spanID)-01")
        #expect(headers["event-type"]?.stringValue == "click")
        #expect(headers["schema-version"]?.stringValue == "1")
        #expect(headers["content-type"]?.stringValue == "application/json")

        for service in [relay, stats, stream] {
            #expect(try await service.terminate() == 0, "\(service.name)")
        }
    }
}
