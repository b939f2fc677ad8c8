import Foundation
import Testing
import TestSupport

/// bin/web and bin/release: how one Heroku app runs the service its EDM_SERVICE names.
@Suite struct ScriptTests {
    /// An environment with only what the scripts need to find the built executables.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var environment = [
            "PATH": "\(BuiltProducts.directory.path):/usr/bin:/bin",
            "HOME": FileManager.default.temporaryDirectory.path,
        ]
        environment.merge(extra) { _, new in new }
        return environment
    }

    static func run(_ script: String, _ extra: [String: String], arguments: [String] = []) async throws -> Spawned.Outcome {
        try await Spawned.run(
            Repository.url(script), arguments: arguments, environment: environment(extra), timeout: .seconds(20))
    }

    @Test func webWithoutEDMServiceExits78NamingIt() async throws {
        let outcome = try await Self.run("bin/web", [:])
        #expect(outcome.status == 78, "\(outcome)")
        #expect(outcome.stderr.contains("EDM_SERVICE"), "\(outcome)")
    }

    @Test func webWithAnUnknownServiceExits78NamingItAndTheValue() async throws {
        let outcome = try await Self.run("bin/web", ["EDM_SERVICE": "bogus"])
        #expect(outcome.status == 78, "\(outcome)")
        #expect(outcome.stderr.contains("EDM_SERVICE"), "\(outcome)")
        #expect(outcome.stderr.contains("bogus"), "\(outcome)")
    }

    /// With EDM_SERVICE set, bin/web becomes that service: with no other config vars it is the
    /// service itself that stops, naming the variable it needs, not bin/web.
    @Test(arguments: [("relay", "KAFKA_URL"), ("stats", "DATABASE_URL"), ("stream", "KAFKA_URL")])
    func webExecsTheSelectedService(service: String, firstMissing: String) async throws {
        let outcome = try await Self.run("bin/web", ["EDM_SERVICE": service])
        #expect(outcome.status == 78, "\(outcome)")
        #expect(outcome.stderr.contains("\(firstMissing) is required but not set"), "\(outcome)")
        #expect(!outcome.stderr.contains("EDM_SERVICE"), "\(outcome)")
    }

    @Test func webPassesArgumentsToTheService() async throws {
        let outcome = try await Self.run("bin/web", ["EDM_SERVICE": "stream"], arguments: ["--help"])
        #expect(outcome.status == 0, "\(outcome)")
        guard case .exited(_, let stdout, _) = outcome else { return }
        #expect(stdout.contains("STREAM_TOKENS"), "stream --help should list its config vars: \(outcome)")
    }

    @Test(arguments: ["relay", "stream"])
    func releaseDoesNothingForServicesWithoutASchema(service: String) async throws {
        let outcome = try await Self.run("bin/release", ["EDM_SERVICE": service])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(!outcome.stderr.contains("is required but not set"), "\(outcome)")
    }

    /// For stats the release phase is `stats migrate`: without DATABASE_URL it must fail (a
    /// failed release phase stops the deploy) and say why.
    @Test func releaseMigratesStats() async throws {
        let outcome = try await Self.run("bin/release", ["EDM_SERVICE": "stats"])
        #expect(outcome.status == 78, "\(outcome)")
        #expect(outcome.stderr.contains("DATABASE_URL is required but not set"), "\(outcome)")
    }

    @Test func releaseMigratesStatsForReal() async throws {
        let databaseURL = try await TestPostgres.freshDatabase()
        let outcome = try await Self.run("bin/release", ["EDM_SERVICE": "stats", "DATABASE_URL": databaseURL])
        #expect(outcome.status == 0, "\(outcome)")
        let tables = try await TestPostgres.psql(
            databaseURL, ["-c", "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"])
        #expect((Int(tables.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "no tables after the release phase")
    }
}
