import EDMPostgres
import Foundation
import Testing

@Suite("Pipeline mode")
struct PipelineTests {
    @Test func resultsComeBackInOrder() async throws {
        let connection = try await Fixtures.sharedConnection()
        let statements: [PostgresStatement] = (0..<50).map { "SELECT \($0)::int8 * 2, \("row \($0)")::text" }
        let results = try await connection.pipeline(statements)
        #expect(results.count == 50)
        #expect(try results.map { try $0[0].decode(Int.self, at: 0) } == (0..<50).map { $0 * 2 })
        #expect(try results.map { try $0[0].decode(String.self, at: 1) } == (0..<50).map { "row \($0)" })
        let binary = try await connection.pipeline(["SELECT \(UUID())::uuid", "SELECT now()"], resultFormat: .binary)
        #expect(binary[0].columns[0].format == .binary)
        #expect(try await connection.pipeline([]).isEmpty)
        await connection.close()
        let pool = PostgresPool(configuration: try await Fixtures.sharedConfiguration(poolSize: 1))
        let pooled = try await pool.pipeline(["SELECT \(Int32(7))", "SELECT pg_backend_pid()"])
        #expect(try pooled[0][0].decode(Int32.self, at: 0) == 7)
        #expect(pool.statistics.open == 1)
        await pool.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func aLongPipelineWithLargeResultsDoesNotDeadlock() async throws {
        // 40 MB each way: more than the socket buffers hold, so the server blocks writing
        // results unless they are read while the statements are still being sent.
        let connection = try await Fixtures.sharedConnection()
        let payload = String(repeating: "x", count: 100_000)
        let statements: [PostgresStatement] = (0..<400).map { "SELECT \($0)::int4, \(payload)::text" }
        let results = try await connection.pipeline(statements)
        #expect(results.count == 400)
        #expect(try results.map { try $0[0].decode(Int32.self, at: 0) } == (0..<400).map(Int32.init))
        #expect(try results.allSatisfy { try $0[0].decode(String.self, at: 1).utf8.count == 100_000 })
        await connection.close()
    }

    @Test func anErrorInTheMiddleSkipsTheRestAndRollsBackTheStart() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE p (n int8 PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.pipeline([
                "INSERT INTO p VALUES (\(1))",
                "SELECT 1 / \(0)::int8",
                "INSERT INTO p VALUES (\(2))",
            ])
        }
        #expect(error?.statementIndex == 1)
        #expect(error?.sqlState == "22012")  // division_by_zero
        #expect(error?.kind == .server)
        // One implicit transaction: the first insert is gone too, the third never ran.
        #expect(try await connection.query("SELECT count(*) FROM p")[0].decode(Int.self, at: 0) == 0)
        // The connection left pipeline mode and works normally.
        #expect(connection.isBroken == false)
        #expect(try await connection.query("SELECT 5")[0].decode(Int.self, at: 0) == 5)
        let again = try await connection.pipeline(["INSERT INTO p VALUES (\(3))", "SELECT count(*) FROM p"])
        #expect(try again[1][0].decode(Int.self, at: 0) == 1)
        await connection.close()
    }

    @Test func insideATransactionAFailureAbortsIt() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 1))
        try await pool.execute("CREATE TABLE q (n int8 PRIMARY KEY)")
        try await pool.transaction { transaction in
            let results = try await transaction.pipeline(["INSERT INTO q VALUES (\(1))", "INSERT INTO q VALUES (\(2))"])
            #expect(results.map(\.affectedRows) == [1, 1])
        }
        let error = await #expect(throws: PostgresError.self) {
            try await pool.transaction { transaction in
                try await transaction.execute("INSERT INTO q VALUES (10)")
                _ = try await transaction.pipeline(["INSERT INTO q VALUES (\(11))", "INSERT INTO q VALUES (\(1))"])
            }
        }
        #expect(error?.isUniqueViolation == true)
        #expect(error?.statementIndex == 1)
        let rows = try await pool.query("SELECT array_agg(n ORDER BY n)::text FROM q")
        #expect(try rows[0].decode(String.self, at: 0) == "{1,2}")
        await pool.close()
    }

    @Test func cancellingTheTaskCancelsThePipeline() async throws {
        let connection = try await Fixtures.sharedConnection()
        let observer = try await Fixtures.sharedConnection()
        let task = Task { try await connection.pipeline(["SELECT 1", "SELECT pg_sleep(10)", "SELECT 3"]) }
        #expect(try await Fixtures.isRunning(connection.backendPID, "pg_sleep(10)", observer: observer))
        let started = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect((result.failure as? PostgresError)?.isQueryCanceled == true)
        #expect((result.failure as? PostgresError)?.statementIndex == 1)
        #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        await connection.close()
        await observer.close()
    }

    @Test func aLostConnectionIsAConnectionError() async throws {
        let configuration = try await Fixtures.sharedConfiguration()
        let connection = try await PostgresConnection.connect(configuration)
        try await Fixtures.terminate(connection.backendPID, configuration: configuration)
        let error = await #expect(throws: PostgresError.self) {
            try await connection.pipeline(["SELECT 1", "SELECT 2"])
        }
        #expect(error?.isConnectionError == true)
        #expect(connection.isBroken)
    }
}
