import EDMEvents
import Foundation
@testable import StatsService
import TestSupport
import Testing

@Suite("Rebalances")
struct RebalanceTests {
    @Test("two consumers in one group split the work, one leaves mid-stream, and every count is exact")
    func memberLeavesMidStream() async throws {
        let world = try await StatsWorld.make(partitions: 4)
        let events = Events.mixedStream(count: 3000, spacing: 0.37)
        // Client retries sprinkled in: same ids again, later.
        let retries = stride(from: 0, to: events.count, by: 50).map { events[$0] }
        let stream = events + retries
        let producer = try world.producer()
        func produce(_ range: Range<Int>) async throws {
            for chunk in stride(from: range.lowerBound, to: range.upperBound, by: 100) {
                let slice = stream[chunk..<min(chunk + 100, range.upperBound)]
                try await world.produce(slice.map(TestMessage.envelope), with: producer)
            }
        }

        // Phases keyed to the group's state, not to timing: the second member must own
        // partitions before the middle third is produced, so it has work it must commit.
        try await produce(0..<1000)
        let first = RunningIngestor(try world.ingestor())
        try await waitUntil("the first member commits") { first.ingestor.committedMessageCount > 0 }
        let second = RunningIngestor(try world.ingestor())
        try await waitUntil("both members own partitions") {
            !first.ingestor.consumer.assignment.isEmpty && !second.ingestor.consumer.assignment.isEmpty
        }
        try await produce(1000..<2000)
        try await waitUntil("the second member commits") { second.ingestor.committedMessageCount > 0 }
        // The first member leaves while the last third is being produced: its partitions move.
        let lastThird = Task { try await produce(2000..<stream.count) }
        try await first.finish()
        try await lastThird.value
        await producer.close()
        try await world.waitUntilCaughtUp()
        try await second.finish()

        let snapshot = try await world.snapshot()
        #expect(snapshot.aggregates == ExpectedStats(counting: stream))
        #expect(snapshot.totalEvents == Int64(events.count))
        #expect(snapshot.seenEvents == Int64(events.count))
        #expect(first.ingestor.committedMessageCount + second.ingestor.committedMessageCount >= stream.count)
    }
}
