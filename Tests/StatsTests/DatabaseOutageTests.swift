import EDMEvents
import EDMHTTP
import EDMPostgres
import EDMStatsAPI
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

@Suite("PostgreSQL going away and coming back")
struct DatabaseOutageTests {
    @Test("the API answers 503 and ingest pauses without losing its place; afterwards every count is exact")
    func outageAndRecovery() async throws {
        let world = try await StatsWorld.make(partitions: 2)
        let server = try await TestPostgres.databaseURL()
        let database = String(try #require(URLComponents(string: world.databaseURL)?.path.dropFirst()))
        let before = Events.mixedStream(count: 200)
        let during = Events.mixedStream(count: 300, start: Events.base.addingTimeInterval(3600))

        let ingestPool = PostgresPool(configuration: try PostgresConfiguration(url: world.databaseURL), logger: quietLogger)
        let apiPool = PostgresPool(configuration: try PostgresConfiguration(url: world.databaseURL), logger: quietLogger)
        let running = RunningIngestor(try world.ingestor(pool: ingestPool))
        let app = Application(
            router: world.router(
                pool: apiPool, readiness: [ReadinessCheck(name: "database") { await apiPool.isReachable() }]),
            logger: quietLogger)
        try await world.produce(before.map(TestMessage.envelope))
        try await world.waitUntilCaughtUp()

        try await app.test(.router) { client in
            #expect(try await client.getJSON("/v1/stats/summary", as: SummaryView.self).totalEvents == 200)

            // Down: no new connections, and every existing session is cut (mid-transaction too).
            try await TestPostgres.psql(server, [
                "-c", "ALTER DATABASE \(database) ALLOW_CONNECTIONS false",
                "-c", "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(database)'",
            ])
            try await world.produce(during.map(TestMessage.envelope))
            try await waitUntil("ingest pauses") { running.ingestor.isPaused }
            let summary = try await client.get("/v1/stats/summary")
            #expect(summary.status == 503)
            #expect(summary.json?["error"]?["code"] == "unavailable")
            #expect(summary.headers["retry-after"] != nil)
            #expect(try await client.get("/api/clickCount").status == 503)
            let ready = try await client.get("/ready")
            #expect(ready.status == 503)
            #expect(ready.json?["unavailable"] == "database")

            // Back: the consumer resumes from where the database says and catches up exactly.
            try await TestPostgres.psql(server, ["-c", "ALTER DATABASE \(database) ALLOW_CONNECTIONS true"])
            try await world.waitUntilCaughtUp()
            try await waitUntil("ingest resumes") { !running.ingestor.isPaused }
            #expect(try await client.getJSON("/v1/stats/summary", as: SummaryView.self).totalEvents == 500)
            #expect(try await client.get("/ready").status == 200)
        }
        try await running.finish()
        let snapshot = try await world.snapshot()
        #expect(snapshot.aggregates == ExpectedStats(counting: before + during))
        #expect(snapshot.seenEvents == 500)
        await ingestPool.close()
        await apiPool.close()
    }
}
