import EDMEvents
import EDMStatsAPI
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

@Suite("Messages that are not countable events")
struct PoisonMessageTests {
    @Test("garbage, wrong shapes, unknown types, tombstones and misplaced events are skipped, counted, and never stall a partition")
    func poisonIsSkipped() async throws {
        let world = try await StatsWorld.make(partitions: 1)
        let valid = Events.click("survivor")
        var wrongVersion = valid.jsonValue.objectValue!
        wrongVersion["schemaVersion"] = 99
        wrongVersion["id"] = .string(UUID().uuidString)
        var unknownType = valid.jsonValue.objectValue!
        unknownType["type"] = "purchase"
        unknownType["id"] = .string(UUID().uuidString)
        var missingProperties = valid.jsonValue.objectValue!
        missingProperties["properties"] = nil  // the message that crash-looped the reference forever
        let messages: [TestMessage] = [
            .raw(topicType: "click", value: [0xFF, 0x00, 0xC3, 0x28, 0x7B]),
            .raw(topicType: "click", value: Array("{\"type\": \"click\", ".utf8)),
            .raw(topicType: "click", value: Array("[1, 2, 3]".utf8)),
            .raw(topicType: "click", value: Array("{\"hello\": \"world\"}".utf8)),
            .raw(topicType: "click", value: Array(JSONValue.object(missingProperties).serialized())),
            .raw(topicType: "click", value: Array(JSONValue.object(unknownType).serialized())),
            .raw(topicType: "click", value: Array(JSONValue.object(wrongVersion).serialized())),
            .raw(topicType: "click", value: nil),
            // A valid page load on the click topic.
            .raw(topicType: "click", value: Array(Events.pageLoad(url: "https://x.example/", userAgent: "").jsonData())),
            .envelope(valid),
        ]
        try await world.produce(messages)
        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()

        let snapshot = try await world.snapshot()
        #expect(snapshot.totals == ["click": 1])
        #expect(snapshot.buttons == ["survivor": 1])
        #expect(snapshot.skipped == [
            "malformed_json": 2, "invalid_event": 3, "unknown_type": 1, "unsupported_schema_version": 1,
            "tombstone": 1, "topic_mismatch": 1,
        ])
        // The click topic's offset moved past every message, skipped ones included.
        #expect(snapshot.offsets[.init(topic: "edm-ui-click", partition: 0)] == Int64(messages.count))

        // Visible to operators: in the summary and in /metrics.
        let app = Application(router: world.router(), logger: quietLogger)
        try await app.test(.router) { client in
            let summary = try await client.getJSON("/v1/stats/summary", as: SummaryView.self)
            #expect(summary.skippedMessages["malformed_json"] == 2)
            #expect(summary.skippedMessages["tombstone"] == 1)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("stats_messages_skipped_total{reason=\"unsupported_schema_version\"}"))
            #expect(metrics.contains("stats_messages_skipped_total{reason=\"malformed_json\"}"))
        }
        try await running.finish()
    }

    @Test("a message PostgreSQL rejects for its data is isolated by splitting its batch, skipped alone, and the rest counted")
    func storageRejectedMessageIsIsolated() async throws {
        let world = try await StatsWorld.make(partitions: 1)
        // Stand-in for a value the database refuses (a data exception, SQLSTATE 22023).
        try await world.pool.connectionScript(
            """
            CREATE FUNCTION reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.button_id = 'poison' THEN
                    RAISE EXCEPTION 'poison button' USING ERRCODE = '22023';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER reject_poison BEFORE INSERT ON stats_button_clicks
                FOR EACH ROW EXECUTE FUNCTION reject_poison();
            """)
        let events = (0..<30).map { Events.click($0 == 17 ? "poison" : "fine-\($0 % 4)") }
        try await world.produce(events.map(TestMessage.envelope))
        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await running.finish()

        let snapshot = try await world.snapshot()
        #expect(snapshot.skipped == ["storage_rejected": 1])
        #expect(snapshot.buttons["poison"] == nil)
        #expect(snapshot.aggregates == ExpectedStats(counting: events.filter { $0.properties(as: ClickProperties.self)?.buttonId != "poison" }))
    }
}
