import EDMEvents
import EDMPostgres
import Foundation
@testable import StatsService
import TestSupport
import Testing

@Suite("A connection lost mid-batch")
struct ConnectionLossTests {
    @Test("the ingest connection terminated while a batch commits: the whole batch is retried, nothing is storage_rejected")
    func terminatedMidCommitRetriesTheBatch() async throws {
        let world = try await StatsWorld.make(partitions: 2)
        let application = "stats-ingest-\(UUID().uuidString.prefix(8))"
        var configuration = try PostgresConfiguration(url: world.databaseURL)
        configuration.applicationName = application
        let ingestPool = PostgresPool(configuration: configuration, logger: quietLogger)
        let events = Events.mixedStream(count: 120)

        // Holding the totals table makes the ingestor's commit wait mid-transaction (its offset
        // rows locked, its ids recorded), where the server then terminates it.
        let terminated = try await world.pool.transaction { transaction in
            try await transaction.execute("LOCK TABLE stats_event_totals IN EXCLUSIVE MODE")
            let running = RunningIngestor(try world.ingestor(pool: ingestPool))
            try await world.produce(events.map(TestMessage.envelope))
            let waiting = "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'"
            try await waitUntil("the ingest commit waits on the lock") {
                try await !world.pool.query(waiting, [application]).isEmpty
            }
            let killed = try await world.pool.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 "
                    + "AND wait_event_type = 'Lock'", [application])[0].decode(Int64.self, at: 0)
            return (running, killed)
        }
        #expect(terminated.1 == 1)
        try await world.waitUntilCaughtUp()
        try await terminated.0.finish()
        await ingestPool.close()

        let snapshot = try await world.snapshot()
        #expect(snapshot.skipped == [:], "no event may be skipped for a lost connection")
        #expect(snapshot.aggregates == ExpectedStats(counting: events))
    }
}
