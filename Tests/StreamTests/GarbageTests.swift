import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Garbage on the topics is skipped and counted, never forwarded")
struct GarbageTests {
    @Test("non-JSON, wrong shape, unknown type, newer schema and tombstones are skipped; valid events flow")
    func garbageSkipped() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let start = Date()
        let client = try await StreamClient.connect(port: stream.port)
        var factory = EventFactory()
        let valid = [factory.click(), factory.pageLoad(), factory.click(button: "after-garbage")]
        var unknownType = valid[0].jsonValue
        unknownType = Self.replacing(unknownType, key: "type", with: "purchase")
        let newerSchema = Self.replacing(valid[0].jsonValue, key: "schemaVersion", with: .integer(99))
        let topic = factory.names.topic(for: ClickProperties.self)
        let garbage: [KafkaOutgoingMessage] = [
            KafkaOutgoingMessage(topic: topic, key: "g1", value: "this is not json"),
            KafkaOutgoingMessage(topic: topic, key: "g2", value: #"{"type":"click","properties":{}}"#),
            KafkaOutgoingMessage(topic: topic, key: Array("g3".utf8), value: Array(unknownType.serialized())),
            KafkaOutgoingMessage(topic: topic, key: Array("g4".utf8), value: Array(newerSchema.serialized())),
            KafkaOutgoingMessage(topic: topic, key: Array("g5".utf8), value: nil),
            KafkaOutgoingMessage(topic: topic, key: "g6", value: "[1,2,"),
            KafkaOutgoingMessage(topic: topic, key: "g7", value: #"{"topic":"edm-ui-click","uuid":"s-1"}"#),
        ]
        // The reference relay's raw payload, as another Kafka client writes it: delivered.
        let rawLegacy = KafkaOutgoingMessage(
            topic: topic, key: "legacy",
            value: #"{"topic":"edm-ui-click","uuid":"raw-session","event_timestamp":\#(Int64(start.timeIntervalSince1970 * 1000)),"properties":{"button_id":"raw-button"}}"#)
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce(
            [factory.message(valid[0])] + garbage + [rawLegacy, factory.message(valid[1]), factory.message(valid[2])])

        #expect(try await client.waitForEvents(4))
        #expect(try await eventually { stream.server.stats.skippedCounts.values.reduce(0, +) == 7 })
        #expect(stream.server.stats.skippedCounts == [
            "malformed_json": 2, "invalid_event": 2, "unknown_type": 1, "unsupported_schema_version": 1, "tombstone": 1,
        ])
        let legacyEvents = client.events.filter { $0["sessionId"]?.stringValue == "raw-session" }
        #expect(legacyEvents.count == 1)
        #expect(legacyEvents.first?["source"]?.stringValue == "legacy")
        #expect(legacyEvents.first?["properties"]?["buttonId"]?.stringValue == "raw-button")
        let legacyID = try #require(legacyEvents.first?["id"]?.stringValue)
        #expect(Set(client.eventIDs) == Set(valid.map { $0.id.uuidString.lowercased() } + [legacyID]))
        #expect(client.allFrames.count == 5)  // the live notice and four events, nothing else

        // Replays skip it too, from memory and from Kafka.
        let fromMemory = try await StreamClient.connect(port: stream.port, query: "since=\(EventTimestamp.string(from: start))")
        #expect(Set(fromMemory.eventIDs) == Set(client.eventIDs))
        let restarted = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let fromKafka = try await StreamClient.connect(port: restarted.port, query: "last=20")
        #expect(Set(fromKafka.eventIDs) == Set(client.eventIDs))
        #expect(fromKafka.events.count == 4)  // the raw payload keeps its position-derived id

        let metrics = String(decoding: try await RawHTTP.get(port: stream.port, path: "/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"stream_messages_skipped_total{reason="malformed_json"}"#))
        for client in [client, fromMemory, fromKafka] { await client.close() }
        await producer.close()
        try await stream.stop()
        try await restarted.stop()
    }

    static func replacing(_ value: JSONValue, key: String, with replacement: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return value }
        members[key] = replacement
        return .object(members)
    }
}
