import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Delivery: produced events reach WebSocket clients")
struct DeliveryTests {
    @Test("a client receives every produced event as canonical JSON, in partition order, user agent redacted")
    func receivesProducedEvents() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:4", "edm-ui-pageload:4"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let client = try await StreamClient.connect(port: stream.port)
        #expect(client.controls("live").first?["replayed"] == .integer(0))

        var factory = EventFactory()
        let events = (0..<30).map { $0 % 3 == 0 ? factory.pageLoad() : factory.click(button: "button-\($0 % 4)") }
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce(events.map(factory.message))

        #expect(try await client.waitForEvents(30))
        let received = client.events
        #expect(received.count == 30)
        // Every frame is exactly the canonical event (userAgent emptied), each exactly once.
        let expected = Dictionary(uniqueKeysWithValues: events.map { ($0.id.uuidString.lowercased(), $0.expectedFrame()) })
        for frame in received {
            #expect(frame == expected[frame["id"]?.stringValue ?? ""])
        }
        #expect(Set(client.eventIDs) == Set(expected.keys))
        // The session id is the key: per session and topic (one partition) production order is kept.
        for session in Set(events.map(\.sessionId)) {
            for type in ["click", "pageload"] {
                let produced = events.filter { $0.sessionId == session && $0.type == type }.map { $0.id.uuidString.lowercased() }
                let got = received.filter { $0["sessionId"]?.stringValue == session && $0["type"]?.stringValue == type }
                #expect(got.compactMap { $0["id"]?.stringValue } == produced)
            }
        }
        // Decodable by the strict decoder: frames are valid events.
        for frame in received {
            #expect(throws: Never.self) { try EventEnvelope.decode(frame) }
        }
        #expect(try await eventually { stream.server.stats.deliveredCount == 30 })
        #expect(stream.server.stats.consumedCount == 30)

        await client.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("with redaction off the user agent is sent")
    func userAgentWhenNotRedacted() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { $0.redactUserAgent = false }
        let client = try await StreamClient.connect(port: stream.port)
        var factory = EventFactory()
        let event = factory.pageLoad(userAgent: "Mozilla/5.0 (X11; Linux x86_64)")
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce([factory.message(event)])
        #expect(try await client.waitForEvents(1))
        #expect(client.events.first == event.expectedFrame(redactUserAgent: false))
        #expect(client.events.first?["properties"]?["userAgent"] == .string("Mozilla/5.0 (X11; Linux x86_64)"))
        await client.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("/health, /ready and /metrics answer; a plain GET of the stream route gets 426")
    func operationalRoutes() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let client = try await StreamClient.connect(port: stream.port)
        #expect(try await RawHTTP.get(port: stream.port, path: "/health").status == 200)
        let ready = try await RawHTTP.get(port: stream.port, path: "/ready")
        #expect(ready.status == 200)
        #expect(ready.json?["status"] == "ready")
        let metrics = try await RawHTTP.get(port: stream.port, path: "/metrics")
        let text = String(decoding: metrics.body, as: UTF8.self)
        for name in ["stream_clients", "stream_events_delivered_total", "stream_client_queue_depth_max", "stream_consumer_lag"] {
            #expect(text.contains(name), "missing \(name)")
        }
        let plain = try await RawHTTP.get(port: stream.port, path: "/v1/stream")
        #expect(plain.status == 426)
        #expect(plain.json?["error"]?["code"] == "upgrade_required")
        await client.close()
        try await stream.stop()
    }
}
