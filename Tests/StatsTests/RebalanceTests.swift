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
        let production = Task {
            for chunk in stride(from: 0, to: stream.count, by: 100) {
                try await world.produce(stream[chunk..<min(chunk + 100, stream.count)].map(TestMessage.envelope), with: producer)
                try await Task.sleep(for: .milliseconds(40))  // pacing, so consumption overlaps production
            }
        }

        let first = RunningIngestor(try world.ingestor())
        try await eventually("the first member commits") { first.ingestor.committedMessageCount > 0 }
        let second = RunningIngestor(try world.ingestor())
        try await eventually("both members own partitions") {
            !first.ingestor.consumer.assignment.isEmpty && !second.ingestor.consumer.assignment.isEmpty
        }
        try await eventually("the second member commits") { second.ingestor.committedMessageCount > 0 }
        try await first.finish()  // leaves mid-stream: its partitions move to the second member
        try await production.value
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
