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
}
