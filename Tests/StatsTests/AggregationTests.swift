import EDMEvents
import EDMKafka
import EDMStatsAPI
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

@Suite("Counting a known stream")
struct AggregationTests {
    @Test("v1 and legacy envelopes and raw legacy payloads land in every aggregate exactly")
    func knownStream() async throws {
        let world = try await StatsWorld.make()
        var envelopes = Events.mixedStream(count: 400)
        // Client clocks that are off: bucketed by receivedAt (30 days behind, 1 hour ahead).
        let received = Events.base.addingTimeInterval(3600)
        envelopes.append(Events.click("skewed-clock", at: received.addingTimeInterval(-30 * 86_400), receivedAt: received))
        envelopes.append(Events.click("skewed-clock", at: received.addingTimeInterval(3600), receivedAt: received))
        // Slightly off clocks within the window: bucketed by occurredAt.
        envelopes.append(Events.click("late-sender", at: received.addingTimeInterval(-6 * 86_400), receivedAt: received))
        envelopes.append(Events.click("late-sender", at: received.addingTimeInterval(240), receivedAt: received))
        var messages = envelopes.map(TestMessage.envelope)
        // The reference relay's own payloads (the migration period): counted like legacy events.
        let legacyTime = EventTimestamp.milliseconds(from: Date()) - 60_000
        messages.append(.legacyPayload(
            type: "click", sessionId: "legacy-session", eventTimestamp: legacyTime,
            properties: ["button_id": "legacy-button", "description": "old relay"]))
        messages.append(.legacyPayload(
            type: "pageload", sessionId: "legacy-session", eventTimestamp: legacyTime,
            properties: ["url": "https://shop.example.com/legacy", "user_agent": .string(Events.phoneAgent)]))

        try await world.produce(messages)
        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await running.finish()

        let snapshot = try await world.snapshot()
        var expected = ExpectedStats(counting: envelopes)
        // The raw legacy payloads have no receivedAt of their own; check them apart, then add them.
        #expect(snapshot.buttons["legacy-button"] == 1)
        #expect(snapshot.urls["https://shop.example.com/legacy"] == 1)
        expected.totals["click", default: 0] += 1
        expected.totals["pageload", default: 0] += 1
        expected.buttons["legacy-button"] = 1
        expected.devices["mobile", default: 0] += 1
        expected.urls["https://shop.example.com/legacy"] = 1
        #expect(snapshot.totals == expected.totals)
        #expect(snapshot.buttons == expected.buttons)
        #expect(snapshot.devices == expected.devices)
        #expect(snapshot.urls == expected.urls)
        let envelopeBuckets = ExpectedStats(counting: envelopes)
        for (bucket, count) in envelopeBuckets.typeBuckets {
            #expect(snapshot.typeBuckets[bucket, default: 0] >= count, "type bucket \(bucket)")
        }
        #expect(snapshot.typeBuckets.values.reduce(0, +) == Int64(envelopes.count + 2) * 4)
        for (bucket, count) in envelopeBuckets.buttonBuckets where bucket.key != "legacy-button" {
            #expect(snapshot.buttonBuckets[bucket] == count, "button bucket \(bucket)")
        }
        #expect(snapshot.skipped.isEmpty)
        #expect(snapshot.seenEvents == Int64(envelopes.count + 2))

        // Skewed clocks: both events in the bucket of receivedAt; close-enough ones by occurredAt.
        let receivedMinute = EventTimestamp.milliseconds(from: received) / 60_000 * 60_000
        #expect(snapshot.buttonBuckets[.init(seconds: 60, key: "skewed-clock", startMilliseconds: receivedMinute)] == 2)
        let lateMinute = (EventTimestamp.milliseconds(from: received) - 6 * 86_400_000) / 60_000 * 60_000
        #expect(snapshot.buttonBuckets[.init(seconds: 60, key: "late-sender", startMilliseconds: lateMinute)] == 1)
    }

    @Test("the API serves the aggregates: summary, clicks, page loads, timeseries and the legacy routes")
    func apiServesAggregates() async throws {
        let world = try await StatsWorld.make()
        let start = Events.base
        let envelopes: [EventEnvelope] = [
            Events.click("alpha", at: start),
            Events.click("alpha", at: start.addingTimeInterval(5)),
            Events.click("alpha", at: start.addingTimeInterval(75)),
            Events.click("beta", at: start.addingTimeInterval(12)),
            Events.click("beta", at: start.addingTimeInterval(86_400)),
            Events.pageLoad(url: "https://shop.example.com/", userAgent: Events.desktopAgent, at: start),
            Events.pageLoad(url: "https://shop.example.com/", userAgent: Events.phoneAgent, at: start),
            Events.pageLoad(url: "https://shop.example.com/cart", userAgent: Events.phoneAgent, at: start),
        ]
        try await world.produce(envelopes.map(TestMessage.envelope))
        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await running.finish()

        let app = Application(router: world.router(), logger: quietLogger)
        try await app.test(.router) { client in
            let summary = try await client.getJSON("/v1/stats/summary", as: SummaryView.self)
            #expect(summary.totalEvents == 8)
            #expect(summary.types["click"]?.count == 5)
            #expect(summary.types["pageload"]?.count == 3)
            #expect(summary.lastEventAt == start.addingTimeInterval(86_400))
            #expect(summary.timeBasis.contains("occurredAt"))
            // The cursor names exactly the events the totals include: every message of every
            // partition (all of them events here), as the positions stats stored.
            let cursor = try StreamCursor(parsing: try #require(summary.cursor))
            let stored = try await world.snapshot().offsets
            #expect(cursor.positions.values.flatMap(\.values).reduce(0, +) == 8)
            #expect(cursor.positions.count == 2)
            for (partition, offset) in stored {
                #expect(cursor.nextOffset(topic: partition.topic, partition: partition.partition) == offset)
            }
            // The cursor endpoint says the same, spelled out per partition.
            let own = try await client.getJSON("/v1/stats/cursor", as: CursorView.self)
            #expect(own.cursor == summary.cursor)
            #expect(own.totalEvents == 8)
            #expect(own.positions.count == stored.count)
            for position in own.positions {
                #expect(stored[TopicPartition(topic: position.topic, partition: position.partition)] == position.nextOffset)
            }

            let clicks = try await client.getJSON("/v1/stats/clicks?limit=1", as: ClicksView.self)
            #expect(clicks.buttons.map(\.buttonId) == ["alpha"])
            #expect(clicks.buttons.first?.clicks == 3)
            #expect(clicks.totalClicks == 5)
            #expect(clicks.distinctButtons == 2)

            let pageLoads = try await client.getJSON("/v1/stats/pageloads", as: PageLoadsView.self)
            #expect(pageLoads.totalPageLoads == 3)
            #expect(pageLoads.byDeviceType["mobile"] == 2 && pageLoads.byDeviceType["desktop"] == 1)
            #expect(pageLoads.byDeviceType["bot"] == 0)
            #expect(pageLoads.byUrl.map(\.url) == ["https://shop.example.com/", "https://shop.example.com/cart"])
            #expect(pageLoads.byUrl.map(\.pageLoads) == [2, 1])

            let from = EventTimestamp.string(from: start)
            let to = EventTimestamp.string(from: start.addingTimeInterval(120))
            let minutes = try await client.getJSON(
                "/v1/stats/timeseries?type=click&bucket=1m&from=\(from)&to=\(to)", as: TimeseriesView.self)
            // start is 12:13:20; the 12:13 bucket holds 3 clicks (+0 s, +5 s, +12 s), 12:14 one (+75 s).
            #expect(minutes.points.map(\.count) == [3, 1, 0])
            #expect(minutes.from == EventTimestamp.date(fromMilliseconds: EventTimestamp.milliseconds(from: start) / 60_000 * 60_000))
            #expect(minutes.total == 4)

            let alpha = try await client.getJSON(
                "/v1/stats/timeseries?type=click&bucket=10s&from=\(from)&to=\(to)&buttonId=alpha", as: TimeseriesView.self)
            #expect(alpha.points.count == 12)
            #expect(alpha.points.first?.count == 2)  // 12:13:20 and 12:13:25
            #expect(alpha.total == 3)

            let days = try await client.getJSON(
                "/v1/stats/timeseries?type=pageload&bucket=1d&from=\(from)", as: TimeseriesView.self)
            #expect(days.points.first?.count == 3)

            let legacyCounts = try await client.getJSON("/api/clickCount", as: [LegacyClickCount].self)
            #expect(legacyCounts == [LegacyClickCount(button_id: "alpha", sum: "3"), LegacyClickCount(button_id: "beta", sum: "2")])
            let history = try await client.getJSON("/api/clickHistory", as: [LegacyClickDay].self)
            #expect(history == [
                LegacyClickDay(Day: "2025-11-23T00:00:00.000Z", clicks: "4"),
                LegacyClickDay(Day: "2025-11-24T00:00:00.000Z", clicks: "1"),
            ])
        }
    }
}
