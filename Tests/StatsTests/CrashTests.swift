import EDMEvents
import Foundation
@testable import StatsService
import TestSupport
import Testing

@Suite("The built stats executable")
struct CrashTests {
    @Test("kill -9 while ingesting, several times: afterwards every count equals what was produced; SIGTERM exits 0")
    func killNineRepeatedly() async throws {
        let world = try await StatsWorld.make(partitions: 4)
        let events = Events.mixedStream(count: 12_000, spacing: 0.11)
        let retries = stride(from: 0, to: events.count, by: 40).map { events[$0] }
        let firstHalf = Array(events[..<6000])
        let secondHalf = Array(events[6000...]) + retries
        try await world.produce(firstHalf.map(TestMessage.envelope))
        // The rest arrives while the process is being killed and restarted.
        let producer = try world.producer()
        let production = Task {
            for chunk in stride(from: 0, to: secondHalf.count, by: 150) {
                try await world.produce(
                    secondHalf[chunk..<min(chunk + 150, secondHalf.count)].map(TestMessage.envelope), with: producer)
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        let port = try TestPostgres.freePort()
        var kills = 0
        var committed: Int64 = 0
        for _ in 0..<3 {
            let process = try ChildProcess(
                executable: BuiltProducts.executable("stats"), arguments: ["serve"],
                environment: world.executableEnvironment(port: port))
            let before = committed
            // Kill as soon as this incarnation has committed something: mid-stream, mid-batch.
            try await waitUntil("progress after restart \(kills)", timeout: .seconds(40)) {
                committed = try await world.committedOffsetSum()
                return committed > before
            }
            process.signal(SIGKILL)
            #expect(try await process.waitForExit() == SIGKILL)
            kills += 1
        }
        try await production.value
        await producer.close()
        let produced = try await world.producedMessageCount()
        #expect(committed < produced, "the kills happened before everything was ingested")

        let last = try ChildProcess(
            executable: BuiltProducts.executable("stats"), environment: world.executableEnvironment(port: port))
        try await world.waitUntilCaughtUp(timeout: .seconds(60))
        let snapshot = try await world.snapshot()
        #expect(kills == 3)
        #expect(snapshot.aggregates == ExpectedStats(counting: events + retries))
        #expect(snapshot.totalEvents == Int64(events.count))
        #expect(snapshot.seenEvents == Int64(events.count))
        #expect(snapshot.skipped.isEmpty)

        last.signal(SIGTERM)
        #expect(try await last.waitForExit(timeout: .seconds(20)) == 0, "stderr: \(last.standardError)")
    }

    @Test("--help on every command, and configuration errors that name the variable")
    func helpAndConfigurationErrors() async throws {
        let stats = BuiltProducts.executable("stats").path
        for arguments in [["--help"], ["serve", "--help"], ["migrate", "--help"], ["rebuild", "--help"]] {
            let result = try await runCommand(stats, arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(String(decoding: result.stdout, as: UTF8.self).contains("USAGE: stats"), "\(arguments)")
        }
        let help = String(decoding: try await runCommand(stats, ["--help"]).stdout, as: UTF8.self)
        for word in ["serve", "migrate", "rebuild", "DATABASE_URL", "KAFKA_URL", "STATS_CONSUMER_GROUP"] {
            #expect(help.contains(word), "\(word)")
        }

        let cases: [([String: String], String)] = [
            ([:], "DATABASE_URL"),
            (["DATABASE_URL": "postgres://u@localhost/db"], "KAFKA_URL"),
            (["DATABASE_URL": "mysql://u@localhost/db", "KAFKA_URL": "localhost:9092"], "DATABASE_URL"),
            (["DATABASE_URL": "postgres://u@localhost/db", "KAFKA_URL": "localhost:9092", "STATS_BATCH_MAX_MESSAGES": "lots"],
             "STATS_BATCH_MAX_MESSAGES"),
            (["DATABASE_URL": "postgres://u@localhost/db", "KAFKA_URL": "localhost:9092", "STATS_CONSUMER_GROUP": "bad group!"],
             "STATS_CONSUMER_GROUP"),
        ]
        for (environment, variable) in cases {
            let process = try ChildProcess(executable: BuiltProducts.executable("stats"), environment: environment)
            #expect(try await process.waitForExit() == 78, "\(variable)")
            try await waitUntil("an error naming \(variable)", timeout: .seconds(30)) {
                process.standardError.contains("configuration error: \(variable)")
            }
        }
    }

    @Test("stats migrate applies the schema and can run again")
    func migrateCommand() async throws {
        let url = try await TestPostgres.freshDatabase()
        for _ in 0..<2 {
            let process = try ChildProcess(
                executable: BuiltProducts.executable("stats"), arguments: ["migrate"], environment: ["DATABASE_URL": url])
            #expect(try await process.waitForExit() == 0, "\(process.standardError)")
        }
        let versions = try await TestPostgres.psql(url, ["-c", "SELECT string_agg(version::text, ',') FROM schema_migrations"])
        #expect(versions.trimmingCharacters(in: .whitespacesAndNewlines) == StatsMigrations.all.map { String($0.version) }.joined(separator: ","))
    }
}

extension StatsWorld {
    /// Sum of the stored next offsets: how many messages are committed.
    func committedOffsetSum() async throws -> Int64 {
        try await pool.query("SELECT coalesce(sum(next_offset), 0)::int8 FROM stats_partition_offsets")[0].decode(Int64.self, at: 0)
    }
}
