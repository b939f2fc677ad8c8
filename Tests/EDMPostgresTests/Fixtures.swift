import EDMPostgres
import Foundation
import TestSupport
import Testing

/// Tests that create tables (or count sessions per database) get a database of their own, so
/// tests can run in parallel; the others share the server's database, since creating a database
/// costs about 0.1 s of the server's time.
enum Fixtures {
    static func configuration(
        poolSize: Int = 4, acquireTimeout: Duration = .seconds(5), freshDatabase: Bool = true
    ) async throws -> PostgresConfiguration {
        let url = freshDatabase ? try await TestPostgres.freshDatabase() : try await TestPostgres.databaseURL()
        var configuration = try PostgresConfiguration(url: url)
        configuration.poolSize = poolSize
        configuration.acquireTimeout = acquireTimeout
        return configuration
    }

    static func sharedConfiguration(poolSize: Int = 4, acquireTimeout: Duration = .seconds(5)) async throws
        -> PostgresConfiguration
    {
        try await configuration(poolSize: poolSize, acquireTimeout: acquireTimeout, freshDatabase: false)
    }

    /// A connection to a database of its own.
    static func connection() async throws -> PostgresConnection {
        try await PostgresConnection.connect(try await configuration())
    }

    /// A connection to the shared database: for tests that create nothing.
    static func sharedConnection() async throws -> PostgresConnection {
        try await PostgresConnection.connect(try await sharedConfiguration())
    }

    /// Waits until backend `pid` is running a statement containing `text` (as `observer` sees
    /// it in pg_stat_activity), so a test cancels a statement the server really runs.
    static func isRunning(_ pid: Int32, _ text: String, observer: PostgresConnection) async throws -> Bool {
        try await eventually(timeout: .seconds(5), every: .milliseconds(5)) {
            try await observer.query(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND strpos(query, $2) > 0",
                [pid, text])[0].decode(Int.self, at: 0) == 1
        }
    }

    /// Terminates a backend from a separate connection and waits until it is gone.
    static func terminate(_ pid: Int32, configuration: PostgresConfiguration) async throws {
        let admin = try await PostgresConnection.connect(configuration)
        let rows = try await admin.query("SELECT pg_terminate_backend($1, 5000)", [pid])
        #expect(try rows[0].decode(Bool.self, at: 0))
        await admin.close()
    }
}

struct ExpectedFailure: Error {}
