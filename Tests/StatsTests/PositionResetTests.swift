import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

/// Stored positions that a partition's log cannot continue from: a new cluster behind the same
/// database (beyond the end) and retention deleting events before they were counted (before the
/// start). Neither may be fenced or skipped in silence. Serialized: the held-partition gauges
/// live in the process-wide registry, and two tests holding the same partition name would
/// retire each other's series.
@Suite("Stored positions outside their partition's log", .serialized)
struct PositionResetTests {
    @Test("a new cluster with the fail policy: partitions held, /ready 503 naming them, nothing counted; reset-positions, then exactly the new events")
    func newClusterHeldUntilTheOperatorResets() async throws {
        let (world, first, later, running) = try await movedToANewCluster(policy: .fail)
        let more = Events.mixedStream(count: 4, start: Events.base.addingTimeInterval(9000))
        let app = Application(router: world.router(readiness: [running.ingestor.positionsReadiness]), logger: quietLogger)
        let click = world.names.topic(for: world.names.registry.kind(named: "click")!)
        let pageload = world.names.topic(for: world.names.registry.kind(named: "pageload")!)

        try await app.test(.router) { client in
            try await waitUntil("both partitions held") { running.ingestor.positionConflicts.count == 2 }
            let ready = try await client.get("/ready")
            #expect(ready.status == 503)
            let reason = ready.json?["unavailable"]?.stringValue ?? ""
            #expect(reason.contains("\(click)[0] stored next offset 45 is beyond the partition's end 6 (start 0)"), "\(reason)")
            let conflictLines = metricLines("stats_position_conflicts")
            #expect(conflictLines.contains { $0.contains("topic=\"\(click)\"") && $0.contains("kind=\"beyond_end\"") && $0.hasSuffix(" 1.0") }, "\(conflictLines)")
            // Events arriving while held are read and dropped: nothing of the new cluster is
            // counted, and the old positions stay where they were.
            try await world.produce(more.map(TestMessage.envelope))
            try await waitUntil("the held partitions read to their end") {
                let lags = try running.ingestor.consumer.lag()
                // 6 + 3 clicks and 2 + 1 page loads.
                return lags.count == 2 && lags.allSatisfy { $0.highWatermark == ($0.partition.topic == click ? 9 : 3) && $0.lag == 0 }
            }
            let held = try await world.snapshot()
            #expect(held.aggregates == ExpectedStats(counting: first))
            #expect(held.offsets.values.sorted() == [15, 45])

            // One partition named, then the rest.
            let one = try ChildProcess(
                executable: BuiltProducts.executable("stats"), arguments: ["reset-positions", "--topic", "edm-ui-click", "--partition", "0"],
                environment: world.executableEnvironment(port: 0))
            #expect(try await one.waitForExit() == 0, "\(one.standardError)")
            try await waitUntil("the command's report", timeout: .seconds(30)) {
                one.standardOutput.contains("reset \(click)[0] from 45 to 0 (beyond_end, 0 events lost)")
            }
            #expect(!one.standardOutput.contains("pageload"))
            try await waitUntil("the click partition released") {
                running.ingestor.positionConflicts.map(\.partition.topic) == [pageload]
            }
            let rest = try ChildProcess(
                executable: BuiltProducts.executable("stats"), arguments: ["reset-positions", "--all"],
                environment: world.executableEnvironment(port: 0))
            #expect(try await rest.waitForExit() == 0, "\(rest.standardError)")
            try await waitUntil("the second report", timeout: .seconds(30)) {
                rest.standardOutput.contains("reset \(pageload)[0] from 15 to 0 (beyond_end, 0 events lost)")
            }
            try await world.waitUntilCaughtUp()
            try await waitUntil("ready again") { try await client.get("/ready").status == 200 }
            #expect(!metricLines("stats_position_conflicts").contains { $0.contains("topic=\"\(click)\"") })
        }
        try await running.finish()
        #expect(try await world.snapshot().aggregates == ExpectedStats(counting: first + later + more))
        #expect(try await recordedResets(world) == [
            "\(click)/0 beyond_end 45 0..9 lost 0 by stats reset-positions",
            "\(pageload)/0 beyond_end 15 0..3 lost 0 by stats reset-positions",
        ])
    }

    @Test("a new cluster with the reset policy: the positions move to the new logs' start, recorded, and the new events are counted")
    func newClusterResetByPolicy() async throws {
        let (world, first, later, running) = try await movedToANewCluster(policy: .reset)
        try await world.waitUntilCaughtUp()
        #expect(running.ingestor.positionConflicts.isEmpty)
        try await running.finish()
        #expect(try await world.snapshot().aggregates == ExpectedStats(counting: first + later))
        let click = world.names.topic(for: world.names.registry.kind(named: "click")!)
        let resets = try await recordedResets(world)
        #expect(resets.count == 2)
        #expect(resets.contains("\(click)/0 beyond_end 45 0..6 lost 0 by STATS_ON_POSITION_RESET=reset"), "\(resets)")
    }

    @Test("stats rebuild while partitions are held: the holds end and the new cluster is counted from its start")
    func rebuildReleasesHeldPartitions() async throws {
        let (world, _, later, running) = try await movedToANewCluster(policy: .fail)
        try await waitUntil("both partitions held") { running.ingestor.positionConflicts.count == 2 }
        var environment = world.executableEnvironment(port: 0)
        environment["STATS_CONSUMER_GROUP"] = nil
        let rebuild = try ChildProcess(executable: BuiltProducts.executable("stats"), arguments: ["rebuild"], environment: environment)
        #expect(try await rebuild.waitForExit() == 0, "\(rebuild.standardError)")
        try await world.waitUntilCaughtUp()
        #expect(running.ingestor.positionConflicts.isEmpty)
        try await running.finish()
        #expect(try await world.snapshot().aggregates == ExpectedStats(counting: later))
        #expect(try await recordedResets(world).isEmpty)
    }

    @Test("retention deleted events before they were counted: by default the loss is recorded and counting goes on from the log's start")
    func retentionLossIsCountedNotHidden() async throws {
        let world = try await StatsWorld.make(partitions: 1)
        let first = Events.mixedStream(count: 20)  // 15 clicks, 5 page loads
        try await world.produce(first.map(TestMessage.envelope))
        let counting = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await counting.finish()

        // While stats is stopped, 7 MB of records push the click partition past the mock's
        // retention cap: its oldest records, the 15 counted clicks and some never counted, are
        // deleted.
        let click = TopicPartition(topic: world.names.topic(for: world.names.registry.kind(named: "click")!), partition: 0)
        try await world.produce(bulkyRecords(70))
        let later = Events.mixedStream(count: 8, start: Events.base.addingTimeInterval(7200))
        try await world.produce(later.map(TestMessage.envelope))
        let marks = try await watermarks(world, click)
        try #require(marks.low > 15, "the mock's retention cap deleted the counted records")

        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        #expect(running.ingestor.positionConflicts.isEmpty)
        try await waitUntil("the loss on /metrics") {
            metricLines("stats_events_lost_to_retention_total").contains {
                ($0.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= Double(marks.low - 15)
            }
        }
        try await running.finish()
        let snapshot = try await world.snapshot()
        #expect(snapshot.aggregates == ExpectedStats(counting: first + later))
        // Every retained bulky record is read (and skipped as garbage); the deleted ones are the loss.
        #expect(snapshot.skipped["malformed_json"] == marks.high - 6 - marks.low)
        #expect(try await recordedResets(world) == [
            "\(click.topic)/0 before_start 15 \(marks.low)..\(marks.high) lost \(marks.low - 15) by STATS_ON_POSITION_RESET=auto"
        ])
    }

    @Test("reading past offsets the log no longer holds (a first read of a trimmed log) records them as lost in the same commit")
    func gapWhileReadingIsRecorded() async throws {
        let world = try await StatsWorld.make(partitions: 1)
        let click = TopicPartition(topic: world.names.topic(for: world.names.registry.kind(named: "click")!), partition: 0)
        try await world.produce(bulkyRecords(70))
        let events = Events.mixedStream(count: 8)
        try await world.produce(events.map(TestMessage.envelope))
        let marks = try await watermarks(world, click)
        try #require(marks.low > 0, "the mock's retention cap trimmed the partition")

        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await running.finish()
        #expect(try await world.snapshot().aggregates == ExpectedStats(counting: events))
        #expect(try await recordedResets(world) == ["\(click.topic)/0 gap 0 \(marks.low)..nil lost \(marks.low) by read past a gap"])
    }

    // MARK: Helpers

    /// 100 kB records of random bytes (no compression shrinks them): 70 of them exceed the mock's
    /// retention cap of about 5 MiB per partition, so its oldest records are deleted.
    private func bulkyRecords(_ count: Int) -> [TestMessage] {
        (0..<count).map { _ in
            TestMessage.raw(topicType: "click", value: (0..<100_000).map { _ in UInt8.random(in: 0...255) })
        }
    }

    /// Counts 60 events (45 clicks, 15 page loads) on a one-partition cluster, then points a new
    /// ingestor with `policy` at a brand-new cluster holding 8 other events (6 clicks, 2 page
    /// loads), with the same database and group, as after changing `KAFKA_URL`.
    private func movedToANewCluster(
        policy: PositionResetPolicy
    ) async throws -> (world: StatsWorld, first: [EventEnvelope], later: [EventEnvelope], running: RunningIngestor) {
        let old = try await StatsWorld.make(partitions: 1)
        let first = Events.mixedStream(count: 60)
        try await old.produce(first.map(TestMessage.envelope))
        let counting = RunningIngestor(try old.ingestor())
        try await old.waitUntilCaughtUp()
        try await counting.finish()
        #expect(try await old.snapshot().aggregates == ExpectedStats(counting: first))
        let broker = try await TestBroker(topics: old.names.allTopics.map { "\($0):1" })
        let world = StatsWorld(
            broker: broker, databaseURL: old.databaseURL, pool: old.pool, names: old.names, group: old.group,
            partitions: 1)
        let later = Events.mixedStream(count: 8, start: Events.base.addingTimeInterval(7200))
        try await world.produce(later.map(TestMessage.envelope))
        var settings = StatsWorld.testSettings
        settings.positionResetPolicy = policy
        return (world, first, later, RunningIngestor(try world.ingestor(settings: settings)))
    }

    private func watermarks(_ world: StatsWorld, _ partition: TopicPartition) async throws -> (low: Int64, high: Int64) {
        var configuration = KafkaConsumerConfiguration(subscription: .partitions([]))
        configuration.clientID = "watermarks"
        let consumer = try KafkaConsumer(connection: world.connection, configuration: configuration, logger: quietLogger)
        do {
            let marks = try await consumer.watermarks(partition)
            await consumer.close()
            return marks
        } catch {
            await consumer.close()
            throw error
        }
    }

    private func metricLines(_ name: String) -> [String] {
        PrometheusMetrics.render().split(separator: "\n").map(String.init).filter { $0.hasPrefix(name) }
    }

    private func recordedResets(_ world: StatsWorld) async throws -> [String] {
        try await world.pool.query(
            """
            SELECT topic, partition, kind, stored_offset, low_watermark, high_watermark, lost_events, reset_by
            FROM stats_position_resets ORDER BY id
            """, [], resultFormat: .binary
        ).map { row in
            "\(try row.decode(String.self, at: 0))/\(try row.decode(Int32.self, at: 1)) \(try row.decode(String.self, at: 2)) "
                + "\(try row.decode(Int64.self, at: 3)) \(try row.decode(Int64.self, at: 4))..\(try row.decode(Int64?.self, at: 5).map(String.init) ?? "nil") "
                + "lost \(try row.decode(Int64.self, at: 6)) by \(try row.decode(String.self, at: 7))"
        }
    }
}
