import EDMCore
import EDMEvents
import EDMKafka
import EDMPostgres
import Foundation
@testable import StatsService
import TestSupport
import Testing

@Suite("Pure parts")
struct UnitTests {
    static func date(_ text: String) -> Date { EventTimestamp.date(from: text)! }

    @Test("buckets start on UTC boundaries, also exactly at a boundary and before 1970")
    func bucketStarts() {
        let time = Self.date("2024-05-01T12:34:56.789Z")
        #expect(BucketWidth.tenSeconds.start(of: time) == Self.date("2024-05-01T12:34:50Z"))
        #expect(BucketWidth.minute.start(of: time) == Self.date("2024-05-01T12:34:00Z"))
        #expect(BucketWidth.hour.start(of: time) == Self.date("2024-05-01T12:00:00Z"))
        #expect(BucketWidth.day.start(of: time) == Self.date("2024-05-01T00:00:00Z"))
        let boundary = Self.date("2024-05-01T12:35:00.000Z")
        #expect(BucketWidth.minute.start(of: boundary) == boundary)
        #expect(BucketWidth.day.start(of: Self.date("1969-12-31T23:59:59.999Z")) == Self.date("1969-12-31T00:00:00Z"))
        #expect(BucketWidth(seconds: 3600) == .hour)
        #expect(BucketWidth(seconds: 7) == nil)
    }

    @Test("occurredAt is the bucket time inside [receivedAt - 7 d, receivedAt + 5 min], receivedAt outside")
    func timeBasis() {
        let received = Self.date("2024-05-08T00:00:00Z")
        let policy = EventTimePolicy.standard
        for (occurred, expected) in [
            ("2024-05-01T00:00:00Z", "2024-05-01T00:00:00Z"),  // exactly 7 days old
            ("2024-04-30T23:59:59.999Z", "2024-05-08T00:00:00Z"),
            ("2024-05-08T00:05:00Z", "2024-05-08T00:05:00Z"),  // exactly 5 minutes ahead
            ("2024-05-08T00:05:00.001Z", "2024-05-08T00:00:00Z"),
        ] {
            #expect(policy.bucketTime(occurredAt: Self.date(occurred), receivedAt: received) == Self.date(expected), "\(occurred)")
        }
        #expect(policy.summary.contains("7 days") && policy.summary.contains("5 minutes"))
    }

    @Test("uuids sorted by sortKey are in the server's uuid order")
    func uuidSortKey() async throws {
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: try await TestPostgres.databaseURL()), logger: quietLogger)
        let sortedHere = (0..<50).map { _ in UUID() }.sorted { $0.sortKey < $1.sortKey }
        let sortedThere = try await pool.query("SELECT u FROM unnest($1) AS t(u) ORDER BY u", [sortedHere.shuffled()])
        #expect(try sortedThere.map { try $0.decode(UUID.self, at: 0) } == sortedHere)
        await pool.close()
    }

    @Test("a batch's writes combine into one statement whose placeholders are exactly its parameters")
    func batchWritesCombine() throws {
        let names = try KafkaNames(prefix: "t.")
        let decoder = MessageDecoder(names: names)
        let messages = [Events.click("a"), Events.click("b\"quoted\"")].enumerated().map { index, event in
            decoder.decode(KafkaMessage(
                topic: names.topic(for: event), partition: 0, offset: Int64(index), key: nil, value: Array(event.jsonData()),
                timestampMilliseconds: 0, headers: []))
        } + [decoder.decode(KafkaMessage(
            topic: "elsewhere", partition: 1, offset: 9, key: nil, value: nil, timestampMilliseconds: 0, headers: []))]
        let batch = PreparedBatch(messages)
        // totals, type minutes, type buckets, clicks, click minutes, click buckets, skipped messages
        #expect(batch.writes.count == 7)
        let combined = PostgresStatement.combiningWrites(batch.writes)
        let count = combined.parameters.count
        #expect(count == batch.writes.map(\.parameters.count).reduce(0, +))
        #expect(combined.sql.contains("$\(count)"))
        #expect(!combined.sql.contains("$\(count + 1)"))
        #expect(combined.sql.hasPrefix("WITH s0 AS (") && combined.sql.hasSuffix("SELECT 1"))
        #expect(batch.outcome.counted == ["click": 2] && batch.outcome.skipped == [.unknownTopic: 1])
    }

    @Test("every message is classified, never thrown")
    func decoding() throws {
        let decoder = MessageDecoder(names: try KafkaNames(prefix: "tenant."))
        func item(_ topic: String, _ value: [UInt8]?) -> DecodedMessage.Item {
            decoder.decode(KafkaMessage(
                topic: topic, partition: 0, offset: 7, key: nil, value: value, timestampMilliseconds: 1_714_564_800_000,
                headers: [])).item
        }
        func reason(_ item: DecodedMessage.Item) -> SkipReason? {
            if case .skipped(let reason) = item { return reason }
            return nil
        }
        let click = Events.click("a")
        #expect(reason(item("tenant.edm-ui-click", Array(click.jsonData()))) == nil)
        #expect(reason(item("edm-ui-click", Array(click.jsonData()))) == .unknownTopic)  // prefix missing
        #expect(reason(item("tenant.edm-ui-pageload", Array(click.jsonData()))) == .topicMismatch)
        #expect(reason(item("tenant.edm-ui-click", nil)) == .tombstone)
        #expect(reason(item("tenant.edm-ui-click", [0xC3, 0x28])) == .malformedJSON)
        #expect(reason(item("tenant.edm-ui-click", Array("\"just a string\"".utf8))) == .invalidEvent)
        let legacy = #"{"topic":"edm-ui-click","uuid":"s-1","event_timestamp":1714564800000,"properties":{"button_id":"b"}}"#
        guard case .event(let event) = item("tenant.edm-ui-click", Array(legacy.utf8)) else {
            Issue.record("a raw legacy payload should count")
            return
        }
        #expect(event.detail == .click(buttonId: "b"))
        #expect(event.bucketTime == Self.date("2024-05-01T12:00:00Z"))
        let wrongTopic = #"{"topic":"edm-ui-pageload","uuid":"s-1","event_timestamp":1714564800000,"properties":{"button_id":"b"}}"#
        #expect(reason(item("tenant.edm-ui-click", Array(wrongTopic.utf8))) == .invalidEvent)
    }

    @Test("timeseries ranges are aligned, default to the last 60 buckets, and are capped")
    func timeseriesRanges() throws {
        let now = Self.date("2024-05-01T12:34:56Z")
        let defaulted = try TimeseriesQuery(type: "click", buttonId: nil, bucket: .minute, from: nil, to: nil, now: now)
        #expect(defaulted.to == Self.date("2024-05-01T12:35:00Z"))
        #expect(defaulted.from == Self.date("2024-05-01T11:35:00Z"))
        #expect(defaulted.bucketStarts.count == 60)
        let aligned = try TimeseriesQuery(
            type: "click", buttonId: nil, bucket: .hour, from: Self.date("2024-05-01T10:30:00Z"),
            to: Self.date("2024-05-01T12:00:00Z"), now: now)
        #expect(aligned.bucketStarts == [Self.date("2024-05-01T10:00:00Z"), Self.date("2024-05-01T11:00:00Z")])
        #expect(throws: APIParameterError.self) {
            try TimeseriesQuery(type: "click", buttonId: nil, bucket: .tenSeconds, from: Self.date("2024-01-01T00:00:00Z"), to: now, now: now)
        }
    }

    @Test("configuration: defaults, the prefixed group, and errors naming the variable")
    func configuration() throws {
        let base = ["DATABASE_URL": "postgres://u:secret@db.example.com:5433/stats", "KAFKA_URL": "kafka+ssl://b1:9096,kafka+ssl://b2:9096"]
        let configuration = try StatsConfiguration.fromEnvironment(ConfigVars(base.merging(["KAFKA_PREFIX": "tenant."]) { $1 }))
        #expect(configuration.consumerGroup == "tenant.edm-consumer-group-2")
        #expect(configuration.names.allTopics == ["tenant.edm-ui-click", "tenant.edm-ui-pageload"])
        #expect(configuration.listen.port == StatsConfiguration.defaultPort)
        #expect(configuration.ingest.maxBatchMessages == 10_000)
        let legacyGroup = try StatsConfiguration.fromEnvironment(ConfigVars(base.merging(["KAFKA_CONSUMER_GROUP": "my-group"]) { $1 }))
        #expect(legacyGroup.consumerGroup == "my-group")
        let retention = #expect(throws: ConfigError.self) {
            try StatsConfiguration.fromEnvironment(ConfigVars(base.merging(["STATS_DEDUPE_RETENTION_HOURS": "2"]) { $1 }))
        }
        #expect(retention?.variable == "STATS_DEDUPE_RETENTION_HOURS")
        let prefix = #expect(throws: ConfigError.self) {
            try StatsConfiguration.fromEnvironment(ConfigVars(base.merging(["KAFKA_PREFIX": "bad prefix"]) { $1 }))
        }
        #expect(prefix?.variable == "KAFKA_PREFIX")
    }
}
