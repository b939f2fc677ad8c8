import EDMEvents
import EDMKafka
import Hummingbird
import Testing

@testable import StreamService

/// A topic recreated under a running stream (or a new cluster behind the same name) restarts
/// its offsets: clients must get the new log's events, not wait for offsets already passed.
@Suite("Offsets that go backwards under the feed")
struct PartitionResetTests {
    static let partition = OutboxTests.partition

    @Test("events below the feed's position mean a reset; normal progress does not")
    func detection() {
        let known = [Self.partition: Int64(500)]
        let later = (500..<503).map { OutboxTests.event($0) }
        #expect(ClientHub.resets(in: later, advanced: [Self.partition: 503], known: known).isEmpty)
        let recreated = (0..<3).map { OutboxTests.event($0) }
        #expect(
            ClientHub.resets(in: recreated, advanced: [Self.partition: 3], known: known)
                == [.init(partition: Self.partition, previous: 500, offset: 0)])
        // Only garbage read from the new log: still a reset, at the position it reached.
        #expect(
            ClientHub.resets(in: [], advanced: [Self.partition: 2], known: known)
                == [.init(partition: Self.partition, previous: 500, offset: 2)])
        // A partition the feed did not know yet is not a reset.
        #expect(ClientHub.resets(in: recreated, advanced: [Self.partition: 3], known: [:]).isEmpty)
    }

    @Test("a live client gets the new log's events after a reset (without it they were dropped as seen)")
    func clientFollowsTheNewLog() {
        var outbox = ClientOutbox(capacity: 100, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 0], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        _ = outbox.offer((0..<5).map { OutboxTests.event($0) })
        #expect(OutboxTests.drain(&outbox) == ["live", "0@0", "0@1", "0@2", "0@3", "0@4"])
        // Without the reset, the new log's offsets 0..<3 are taken for duplicates.
        var unaware = outbox
        #expect(unaware.offer((0..<3).map { OutboxTests.event($0) }).accepted == 0)
        outbox.partitionReset(Self.partition, slot: 0, to: 0)
        #expect(outbox.offer((0..<3).map { OutboxTests.event($0) }).accepted == 3)
        #expect(OutboxTests.drain(&outbox) == ["0@0", "0@1", "0@2"])
    }

    @Test("the ring forgets the old log, so replays read the new one from Kafka")
    func ringForgetsTheOldLog() {
        var recent = RecentEvents(capacity: 10)
        recent.track(Self.partition, from: 0, sinceTime: .min)
        for offset in 0..<5 { recent.append(OutboxTests.event(Int64(offset))) }
        #expect(recent.covers([Self.partition: 2..<5]))
        recent.reset(Self.partition, to: 0)
        #expect(recent.events(in: [Self.partition: 0..<5]).isEmpty)
        recent.append(OutboxTests.event(0))
        #expect(recent.events(in: [Self.partition: 0..<1]).map(\.offset) == [0])
        #expect(recent.startOffsets(since: 0, ending: [Self.partition: 1]) == nil)
    }
}
