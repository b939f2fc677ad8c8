import AsyncHTTPClient
import Foundation
import Testing
import TestSupport

/// The services as separate processes over one broker and one fresh database, as `make run`
/// and Heroku run them: stats migrated first, then whichever services a test needs.
struct RunningSystem {
    let broker: TestBroker
    let databaseURL: String
    let http: HTTPClient

    var kafka: [String: String] { ["KAFKA_URL": broker.bootstrapServers] }

    static func start(http: HTTPClient = .shared) async throws -> RunningSystem {
        let system = RunningSystem(broker: try await TestBroker(), databaseURL: try await TestPostgres.freshDatabase(), http: http)
        let migrate = try await runCommand(
            BuiltProducts.executable("stats").path, ["migrate"], environment: system.statsEnvironment())
        #expect(migrate.status == 0, "stats migrate: \(migrate.stderr)")
        return system
    }

    func statsEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        kafka.merging(["DATABASE_URL": databaseURL]) { $1 }.merging(extra) { $1 }
    }

    func relay() async throws -> ServiceProcess {
        try await ServiceProcess.start("relay", environment: kafka, http: http)
    }

    func stats(_ extra: [String: String] = [:]) async throws -> ServiceProcess {
        try await ServiceProcess.start("stats", arguments: ["serve"], environment: statsEnvironment(extra), http: http)
    }

    /// On `port` when given (a restart at the same address, as clients see it).
    func stream(port: Int? = nil) async throws -> ServiceProcess {
        try await ServiceProcess.start("stream", environment: kafka, http: http, port: port)
    }
}
