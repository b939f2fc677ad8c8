import EDMPostgres
import Testing

/// BEGIN with the opening statements, COMMIT with the closing ones: the same all-or-nothing
/// outcome as `transaction`, in two round trips.
@Suite("Pipelined transactions")
struct PipelinedTransactionTests {
    func count(_ connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0)
    }

    @Test func openingResultsReachTheBodyAndClosingStatementsCommit() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE t (x int PRIMARY KEY)")
        let value = try await connection.pipelinedTransaction(
            opening: ["INSERT INTO t VALUES (1)", "SELECT count(*)::int8 FROM t", "SELECT \(Int64(41)) + 1"]
        ) { results, transaction in
            #expect(results.count == 3)
            try await transaction.execute("INSERT INTO t VALUES (2)")
            let sum = try results[1][0].decode(Int64.self, at: 0) + results[2][0].decode(Int64.self, at: 0)
            return (closing: ["INSERT INTO t VALUES (\(Int32(3)))"], value: sum)
        }
        #expect(value == 43)
        #expect(try await count(connection) == 3)
    }

    @Test func aFailureAnywhereRollsBackAndLeavesTheConnectionUsable() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE t (x int PRIMARY KEY)")
        // In the opening pipeline: the index counts within `opening`.
        let opening = await #expect(throws: PostgresError.self) {
            try await connection.pipelinedTransaction(opening: ["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)"]) { _, _ in
                (closing: [PostgresStatement](), value: 0)
            }
        }
        #expect(opening?.isUniqueViolation == true && opening?.statementIndex == 1)
        // In the body.
        await #expect(throws: ExpectedFailure.self) {
            try await connection.pipelinedTransaction(opening: ["INSERT INTO t VALUES (1)"]) { _, _ -> (closing: [PostgresStatement], value: Int) in
                throw ExpectedFailure()
            }
        }
        // In the closing pipeline: COMMIT is skipped with the statements after the failure.
        let closing = await #expect(throws: PostgresError.self) {
            try await connection.pipelinedTransaction(opening: ["INSERT INTO t VALUES (1)"]) { _, _ in
                (closing: ["INSERT INTO t VALUES (2)", "INSERT INTO t VALUES (2)"], value: 0)
            }
        }
        #expect(closing?.isUniqueViolation == true && closing?.statementIndex == 1)
        // A failed statement whose error the body caught does not commit either.
        let caught = await #expect(throws: PostgresError.self) {
            try await connection.pipelinedTransaction(opening: ["INSERT INTO t VALUES (1)"]) { _, transaction in
                _ = try? await transaction.execute("INSERT INTO t VALUES (1)")
                return (closing: [PostgresStatement](), value: 0)
            }
        }
        #expect(caught?.sqlState == "25P02")
        #expect(try await count(connection) == 0)
        #expect(connection.isBroken == false)
        try await connection.pipelinedTransaction(opening: ["INSERT INTO t VALUES (5)"]) { _, _ in
            (closing: [PostgresStatement](), value: 0)
        }
        #expect(try await count(connection) == 1)
    }

    @Test func nestingIsRefused() async throws {
        let connection = try await Fixtures.connection()
        await #expect(throws: PostgresError.self) {
            try await connection.transaction { _ in
                try await connection.pipelinedTransaction(opening: []) { _, _ in (closing: [PostgresStatement](), value: 0) }
            }
        }
    }
}
