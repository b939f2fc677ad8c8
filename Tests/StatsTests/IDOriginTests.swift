import EDMEvents
import EDMKafka
import Foundation
@testable import StatsService
import TestSupport
import Testing

/// Only ids that can repeat are remembered: a relay-assigned id (``RelayEventID``) is produced
/// once and fenced by offset, every other id is kept for the dedupe window.
@Suite("Dedupe records only for ids that may repeat")
struct IDOriginTests {
    /// `events` under fresh relay-assigned ids.
    static func relayAssigned(_ events: [EventEnvelope]) -> [EventEnvelope] {
        events.map { $0.withID(RelayEventID.make()) }
    }

    @Test("relay-assigned ids are counted once and never stored, across batches, a restart and a zombie's commit")
    func relayAssignedIDsLeaveNoRow() async throws {
        let world = try await StatsWorld.make()
        let events = Self.relayAssigned(Events.mixedStream(count: 1200, spacing: 0.9))
        try await world.produce(events[..<700].map(TestMessage.envelope))
        let first = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await first.finish()
        // A restarted consumer starts at the stored positions: nothing is read twice.
        try await world.produce(events[700...].map(TestMessage.envelope))
        let second = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await second.finish()

        var snapshot = try await world.snapshot()
        #expect(snapshot.aggregates == ExpectedStats(counting: events))
        #expect(snapshot.totalEvents == 1200)
        #expect(snapshot.seenEvents == 0)

        // Committed again below the stored offsets (a zombie, a revoked partition's leftovers):
        // the fence alone drops every one of them.
        let partition = try #require(snapshot.offsets.first { $0.value > 3 }?.key)
        let store = IngestStore(pool: world.pool)
        let replay = (0..<3).map { offset in
            DecodedMessage(
                partition: partition, offset: Int64(offset),
                item: .event(CountableEvent(envelope: events[offset], policy: .standard)))
        }
        let outcome = try await store.commit(replay, epoch: 0)
        #expect(outcome.fenced == 3 && outcome.countedTotal == 0)
        snapshot = try await world.snapshot()
        #expect(snapshot.totalEvents == 1200 && snapshot.seenEvents == 0)
    }

    @Test("client ids are deduplicated across batches, partitions and restarts, and only they are stored")
    func clientIDsAcrossRestarts() async throws {
        let world = try await StatsWorld.make()
        let clients = Events.mixedStream(count: 300, spacing: 1.3)  // the client's own UUIDv4 ids
        let assigned = Self.relayAssigned(Events.mixedStream(count: 300, start: Events.base.addingTimeInterval(600)))
        try await world.produce((clients + assigned).map(TestMessage.envelope))
        let first = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await first.finish()

        // The client retries every fifth event, some under another session (another partition),
        // after the consumer restarted.
        let retries = stride(from: 0, to: clients.count, by: 5).map { index -> EventEnvelope in
            let event = clients[index]
            guard index % 2 == 0, let click = event.properties(as: ClickProperties.self) else { return event }
            return EventEnvelope(
                id: event.id, occurredAt: event.occurredAt, receivedAt: event.receivedAt.addingTimeInterval(3),
                sessionId: "retrying-elsewhere-\(index)", properties: click)
        }
        try await world.produce(retries.map(TestMessage.envelope))
        let second = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await second.finish()

        let snapshot = try await world.snapshot()
        #expect(snapshot.aggregates == ExpectedStats(counting: clients + assigned))
        #expect(snapshot.totalEvents == 600)
        #expect(snapshot.seenEvents == 300)
        let stored = try await world.pool.query("SELECT event_id FROM stats_seen_events").map { try $0.decode(UUID.self, at: 0) }
        #expect(Set(stored) == Set(clients.map(\.id)))
    }

    @Test("an event produced twice under a remembered id counts once; a relay-form id next to it still counts")
    func reproducedEventIsDeduplicated() async throws {
        let world = try await StatsWorld.make()
        // What a relay that may hand an event to a producer twice must send: an id of another
        // form from the first send on (an Idempotency-Key derived id, or a plain UUIDv4).
        let keyed = Events.click("keyed", id: DerivedEventID.make(namespace: "edm-idempotency-key", ["order-1", "0", "{}"]))
        let plain = Events.click("plain")
        let once = Events.click("once", id: RelayEventID.make())
        try await world.produce([keyed, plain, once].map(TestMessage.envelope))
        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        // The second send, in a later batch and under another key (another partition).
        let again = [keyed, plain].map { event in
            EventEnvelope(
                id: event.id, occurredAt: event.occurredAt, receivedAt: event.receivedAt, sessionId: "replacement-producer",
                properties: event.properties(as: ClickProperties.self)!)
        }
        try await world.produce((again + again).map(TestMessage.envelope))
        try await world.waitUntilCaughtUp()
        try await running.finish()

        let snapshot = try await world.snapshot()
        #expect(snapshot.buttons == ["keyed": 1, "plain": 1, "once": 1])
        #expect(snapshot.seenEvents == 2)
        #expect(snapshot.offsets.values.reduce(0, +) == 7)
    }

    @Test("dedupe rows are pruned after the window; ids inside it still drop retries")
    func pruningAfterTheWindow() async throws {
        let world = try await StatsWorld.make()
        let old = (0..<4).map { Events.click("old-\($0)", session: "s-\($0)") }
        let recent = (0..<3).map { Events.click("recent-\($0)", session: "s-\($0)") }
        try await world.produce((old + recent).map(TestMessage.envelope))
        let first = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await first.finish()
        #expect(try await world.snapshot().seenEvents == 7)
        // The old ones were seen three days ago.
        try await world.pool.execute(
            "UPDATE stats_seen_events SET seen_at = now() - interval '72 hours' WHERE event_id = ANY($1)", [old.map(\.id)])

        var settings = StatsWorld.testSettings
        settings.pruneInterval = .milliseconds(100)
        let pruner = SeenEventPruner(pool: world.pool, settings: settings, logger: quietLogger)
        let pruning = Task { try await pruner.run() }
        try await waitUntil("expired ids pruned", timeout: .seconds(30)) { try await world.snapshot().seenEvents == 3 }
        pruning.cancel()
        _ = await pruning.result
        let left = try await world.pool.query("SELECT event_id FROM stats_seen_events").map { try $0.decode(UUID.self, at: 0) }
        #expect(Set(left) == Set(recent.map(\.id)))

        // A retry inside the window is still dropped.
        try await world.produce(recent.map(TestMessage.envelope))
        let second = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        try await second.finish()
        let snapshot = try await world.snapshot()
        #expect(snapshot.totalEvents == 7)
        #expect(snapshot.seenEvents == 3)
    }
}
