import EDMEvents
import Foundation
@testable import StatsService
import TestSupport
import Testing

@Suite("Rebuilding the projection from the log")
struct RebuildTests {
    @Test("stats rebuild wipes everything; a running consumer replays from the earliest offset to the same counts")
    func rebuildWhileRunning() async throws {
        let world = try await StatsWorld.make(partitions: 2)
        let first = Events.mixedStream(count: 300)
        let later = Events.mixedStream(count: 100, start: Events.base.addingTimeInterval(7200))
        try await world.produce(first.map(TestMessage.envelope) + [.raw(topicType: "click", value: Array("junk".utf8))])
        let running = RunningIngestor(try world.ingestor())
        try await world.waitUntilCaughtUp()
        let before = try await world.snapshot()
        #expect(before.aggregates == ExpectedStats(counting: first))

        var environment = world.executableEnvironment(port: 0)
        environment["STATS_CONSUMER_GROUP"] = nil
        let rebuild = try ChildProcess(
            executable: BuiltProducts.executable("stats"), arguments: ["rebuild"], environment: environment)
        #expect(try await rebuild.waitForExit() == 0, "\(rebuild.standardError)")
        // The pipe may deliver the last output a moment after the exit is seen.
        try await waitUntil("the rebuild's report on stdout", timeout: .seconds(30)) {
            rebuild.standardOutput.contains("rebuild started (epoch 1)")
        }
        #expect(try await world.pool.query("SELECT epoch FROM stats_state")[0].decode(Int64.self, at: 0) == 1)

        try await world.produce(later.map(TestMessage.envelope))
        try await world.waitUntilCaughtUp()
        try await running.finish()
        let after = try await world.snapshot()
        #expect(after.aggregates == ExpectedStats(counting: first + later))
        #expect(after.skipped == ["malformed_json": 1])
        #expect(after.seenEvents == 400)
    }
}
