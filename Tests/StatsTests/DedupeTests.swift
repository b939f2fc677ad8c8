import EDMEvents
import Foundation
@testable import StatsService
import TestSupport
import Testing

@Suite("Client retries with the same id")
struct DedupeTests {
    @Test("an event id counts once: repeated in one batch, in later batches, and on another partition")
    func duplicatesCountOnce() async throws {
        let world = try await StatsWorld.make()
        let original = Events.click("retried-button", session: "session-a")
        // The same event (same id) sent again, as a retrying client would, also under another
        // session key so it lands on another partition.
        let retryElsewhere = Events.click(
            "retried-button", at: original.occurredAt, receivedAt: original.receivedAt.addingTimeInterval(2),
            id: original.id, session: "session-b")
        let others = (0..<20).map { Events.click("other-\($0 % 3)", session: "session-\($0)") }
        try await world.produce([original, original, retryElsewhere].map(TestMessage.envelope) + others.map(TestMessage.envelope))

        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        // A later batch repeating ids already counted.
        try await world.produce([original, others[0], others[1]].map(TestMessage.envelope))
        try await world.waitUntilCaughtUp()
        try await running.finish()

        let snapshot = try await world.snapshot()
        #expect(snapshot.buttons["retried-button"] == 1)
        #expect(snapshot.totals["click"] == 21)
        #expect(snapshot.aggregates == ExpectedStats(counting: [original] + others))
        #expect(snapshot.seenEvents == 21)
    }

    @Test("expired ids are pruned, and only those")
    func pruning() async throws {
        let world = try await StatsWorld.make()
        let store = IngestStore(pool: world.pool)
        let ids = (0..<5).map { _ in UUID() }
        for (index, id) in ids.enumerated() {
            // Two ids seen three days ago, three within the window.
            try await world.pool.execute(
                "INSERT INTO stats_seen_events (event_id, seen_at) VALUES ($1, now() - make_interval(hours => $2))",
                [id, Int32(index < 2 ? 72 : 1)])
        }
        let deleted = try await store.pruneSeenEvents(olderThan: .seconds(48 * 3600), slice: 1)
        #expect(deleted == 2)
        let left = try await world.pool.query("SELECT event_id FROM stats_seen_events").map { try $0.decode(UUID.self, at: 0) }
        #expect(Set(left) == Set(ids[2...]))
    }
}
