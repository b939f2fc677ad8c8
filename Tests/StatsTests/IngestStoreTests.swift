import EDMEvents
import EDMKafka
import Foundation
@testable import StatsService
import TestSupport
import Testing

/// The transaction that makes counting exactly-once, exercised directly with hand-made batches
/// (what a zombie, a late revoke or a re-seek would commit).
@Suite("Exactly-once commits")
struct IngestStoreTests {
    static let partition = TopicPartition(topic: "edm-ui-click", partition: 0)

    /// Offsets `range`, each an event with a fresh id, every third one a tombstone.
    static func batch(_ range: Range<Int64>) -> [DecodedMessage] {
        range.map { offset in
            DecodedMessage(
                partition: partition, offset: offset,
                item: offset % 3 == 0
                    ? .skipped(.tombstone)
                    : .event(CountableEvent(envelope: Events.click("b\(offset % 2)"), policy: .standard)))
        }
    }

    @Test("a batch committed again (a zombie's late commit) is fenced entirely")
    func zombieCommit() async throws {
        let world = try await StatsWorld.make()
        let store = IngestStore(pool: world.pool)
        let messages = Self.batch(0..<12)
        let first = try await store.commit(messages, epoch: 0)
        #expect(first.countedTotal == 8)
        #expect(first.skipped == [.tombstone: 4])
        let before = try await world.snapshot()

        let again = try await store.commit(messages, epoch: 0)
        #expect(again.fenced == 12)
        #expect(again.countedTotal == 0 && again.skipped.isEmpty && again.duplicates == 0)
        #expect(try await world.snapshot() == before)
        #expect(before.offsets[Self.partition] == 12)
    }

    @Test("overlapping batches count the overlap once; offsets repeated inside one batch count once")
    func overlaps() async throws {
        let world = try await StatsWorld.make()
        let store = IngestStore(pool: world.pool)
        let early = Self.batch(0..<10)
        _ = try await store.commit(early, epoch: 0)
        // A member that re-read from offset 5 (its batch overlaps what another member committed).
        let overlapping = Self.batch(5..<15)
        let outcome = try await store.commit(overlapping, epoch: 0)
        #expect(outcome.fenced == 5)
        #expect(outcome.nextOffsets[Self.partition] == 15)
        // One batch collected across a re-seek: 15..<20, then 15..<20 again (new ids, same offsets).
        let reseeked = Self.batch(15..<20) + Self.batch(15..<20)
        let second = try await store.commit(reseeked, epoch: 0)
        #expect(second.fenced == 5)

        let snapshot = try await world.snapshot()
        #expect(snapshot.skipped == ["tombstone": 7])  // offsets 0, 3, 6, 9, 12, 15, 18
        #expect(snapshot.totalEvents == 13)
        #expect(snapshot.offsets[Self.partition] == 20)
    }

    @Test("a batch read before a rebuild is refused whole")
    func staleEpoch() async throws {
        let world = try await StatsWorld.make()
        let store = IngestStore(pool: world.pool)
        _ = try await store.commit(Self.batch(0..<4), epoch: 0)
        #expect(try await store.wipeForRebuild() == 1)
        await #expect(throws: IngestStoreError.epochChanged(current: 1)) {
            try await store.commit(Self.batch(4..<8), epoch: 0)
        }
        let snapshot = try await world.snapshot()
        #expect(snapshot.totalEvents == 0 && snapshot.offsets.isEmpty && snapshot.seenEvents == 0)
        let positions = try await store.positions(for: [Self.partition])
        #expect(positions == StoredPositions(epoch: 1, offsets: [:]))
    }
    static func message(_ offset: Int64, _ envelope: EventEnvelope?) -> DecodedMessage {
        DecodedMessage(
            partition: partition, offset: offset,
            item: envelope.map { .event(CountableEvent(envelope: $0, policy: .standard)) } ?? .skipped(.tombstone))
    }

    static let events = (0..<6).map { index in
        Events.click("b\(index % 3)", at: Events.base.addingTimeInterval(Double(index) * 37))
    }

    @Test("ids seen in an earlier batch or twice in one batch count once; the rest of the batch counts")
    func seenAndNewIDsInOneBatch() async throws {
        let world = try await StatsWorld.make()
        let store = IngestStore(pool: world.pool)
        let events = Self.events
        let first = try await store.commit((0..<3).map { Self.message(Int64($0), events[$0]) }, epoch: 0)
        #expect(first.countedTotal == 3 && first.duplicates == 0)

        let mixed = [events[1], events[3], events[3], events[4], nil, events[0], events[5]]
        let second = try await store.commit(mixed.enumerated().map { Self.message(Int64(3 + $0.offset), $0.element) }, epoch: 0)
        #expect(second.countedTotal == 3)
        #expect(second.duplicates == 3)
        #expect(second.skipped == [.tombstone: 1])

        let snapshot = try await world.snapshot()
        #expect(snapshot.aggregates == ExpectedStats(counting: events))
        #expect(snapshot.seenEvents == 6)
        #expect(snapshot.offsets[Self.partition] == 10)
    }

    @Test("a partly fenced batch, whose writes are rebuilt in the transaction, ends as if prepared ones had run")
    func rebuiltWritesMatchPreparedOnes() async throws {
        let messages = Self.events.enumerated().flatMap { index, event in
            [Self.message(Int64(2 * index), event), Self.message(Int64(2 * index + 1), nil)]
        }
        let prepared = try await StatsWorld.make()
        let whole = try await IngestStore(pool: prepared.pool).commit(messages, epoch: 0)
        #expect(whole.countedTotal == 6 && whole.fenced == 0)

        let rebuilt = try await StatsWorld.make()
        let store = IngestStore(pool: rebuilt.pool)
        _ = try await store.commit(Array(messages.prefix(5)), epoch: 0)
        let rest = try await store.commit(messages, epoch: 0)
        #expect(rest.fenced == 5 && rest.countedTotal == 3)

        let expected = try await prepared.snapshot()
        #expect(expected.aggregates == ExpectedStats(counting: Self.events))
        #expect(try await rebuilt.snapshot() == expected)
    }
}
