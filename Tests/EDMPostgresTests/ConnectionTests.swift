import EDMPostgres
import Foundation
import TestSupport
import Testing

@Suite("Connections")
struct ConnectionTests {
    @Test func sslRequiredAgainstAServerWithoutSSLFailsClearly() async throws {
        var configuration = try await Fixtures.sharedConfiguration()
        configuration.sslMode = .require
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration)
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isConnectionError == true)
        #expect(error?.message.contains("SSL") == true)
        // The same database is fine without the requirement, so SSL was the only problem.
        configuration.sslMode = .disable
        let connection = try await PostgresConnection.connect(configuration)
        #expect(try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0]
            .decode(Bool.self, at: 0) == false)
    }

    @Test func nothingListeningIsAConnectionFailure() async throws {
        var configuration = try await Fixtures.sharedConfiguration()
        configuration.port = try TestPostgres.freePort()
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration)
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("Connection refused") == true)
    }

    @Test func wrongDatabaseNameIsReported() async throws {
        var configuration = try await Fixtures.sharedConfiguration()
        configuration.database = "does_not_exist"
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration)
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("does_not_exist") == true)
    }

    @Test func applicationNameAndUTF8AreSet() async throws {
        var configuration = try await Fixtures.sharedConfiguration()
        configuration.applicationName = "edm-test-app"
        let connection = try await PostgresConnection.connect(configuration)
        let rows = try await connection.query(
            "SELECT application_name, current_setting('client_encoding') FROM pg_stat_activity WHERE pid = $1",
            [connection.backendPID])
        #expect(try rows[0].decode(String.self, at: 0) == "edm-test-app")
        #expect(try rows[0].decode(String.self, at: 1) == "UTF8")
    }

    @Test func closedConnectionRefusesWork() async throws {
        let connection = try await Fixtures.sharedConnection()
        await connection.close()
        await connection.close()
        #expect(connection.isBroken)
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error?.kind == .connectionClosed)
    }

    @Test func terminatedBackendIsDetected() async throws {
        let configuration = try await Fixtures.sharedConfiguration()
        let connection = try await PostgresConnection.connect(configuration)
        try await Fixtures.terminate(connection.backendPID, configuration: configuration)
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error?.isConnectionError == true)
        #expect(error?.kind == .connectionLost)
        #expect(connection.isBroken)
    }

    @Test func cancellingTheTaskCancelsTheRunningStatement() async throws {
        let connection = try await Fixtures.sharedConnection()
        let observer = try await Fixtures.sharedConnection()
        let started = ContinuousClock.now
        let task = Task { try await connection.query("SELECT pg_sleep(10)") }
        // Cancel once the server is running the statement (a cancel before it starts is a
        // different path: the statement is never sent).
        #expect(try await Fixtures.isRunning(connection.backendPID, "pg_sleep(10)", observer: observer))
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - started < .seconds(5))
        guard case .failure(let failure) = result else {
            Issue.record("the sleep finished instead of being cancelled")
            return
        }
        #expect((failure as? PostgresError)?.isQueryCanceled == true)
        // The connection survives the cancel and serves the next statement.
        #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        #expect(connection.isBroken == false)
        await observer.close()
    }

    @Test func blockingCallsLeaveTheCooperativePoolFree() async throws {
        // Ten connections sleeping in libpq at once: if the calls blocked the threads of the
        // cooperative pool (2 here), or ran on a thread pool as narrow, this would take 5 x 0.5 s.
        let configuration = try await Fixtures.sharedConfiguration()
        var connections: [PostgresConnection] = []
        for _ in 0..<10 { connections.append(try await PostgresConnection.connect(configuration)) }
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { _ = try await connection.query("SELECT pg_sleep(0.5)") }
            }
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - started < .milliseconds(1200))
    }
}
