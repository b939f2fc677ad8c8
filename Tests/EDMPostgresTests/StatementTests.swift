import EDMPostgres
import Foundation
import Testing

@Suite("PostgresStatement numbers placeholders itself")
struct StatementTests {
    @Test func interpolatedValuesBecomeNumberedParameters() {
        let ids = [UUID(), UUID()]
        let statement: PostgresStatement = "SELECT * FROM t WHERE id = ANY(\(ids)) AND n > \(5) AND name = \("it's $1")"
        #expect(statement.sql == "SELECT * FROM t WHERE id = ANY($1) AND n > $2 AND name = $3")
        #expect(statement.parameters.count == 3)
        #expect(statement.parameters[2]?.postgresValue == .text("it's $1"))
    }

    @Test func appendingContinuesTheNumbering() {
        var statement: PostgresStatement = "UPDATE t SET a = \(1)"
        let condition: PostgresStatement = " WHERE b = \(2) AND c = \("x")"
        statement.append(condition)
        statement.append(" AND d = ")
        statement.append(parameter: Int32(4))
        statement.append(" RETURNING '$1'")
        #expect(statement.sql == "UPDATE t SET a = $1 WHERE b = $2 AND c = $3 AND d = $4 RETURNING '$1'")
        #expect(statement.parameters.map { $0?.postgresDataType } == [.int8, .int8, .unknown, .int4])
        let nested: PostgresStatement = "SELECT \(0), (\(fragment: condition))"
        #expect(nested.sql == "SELECT $1, ( WHERE b = $2 AND c = $3)")
    }

    @Test func unescapedTextIsSplicedAndCountsNoParameter() {
        let table = "stats_type_buckets"
        let statement: PostgresStatement = "INSERT INTO \(unescaped: table) VALUES (\(1))"
        #expect(statement.sql == "INSERT INTO stats_type_buckets VALUES ($1)")
        #expect(statement.parameters.count == 1)
    }

    @Test func combinedWritesRunOnceInOneStatement() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE a (n int8, s text)")
        try await connection.execute("CREATE TABLE b (k int8 PRIMARY KEY, n int8)")
        try await connection.execute("INSERT INTO b VALUES (1, 10), (2, 20)")
        let writes: [PostgresStatement] = [
            "INSERT INTO a SELECT * FROM unnest(\([Int64(1), 2, 3]), \(["x", "y$2", "z"]))",
            "UPDATE b SET n = n + \(5) WHERE k = ANY(\([Int64(2)]))",
            "DELETE FROM b WHERE k = \(1)",
        ]
        let combined = PostgresStatement.combiningWrites(writes)
        #expect(combined.sql.hasPrefix("WITH s0 AS (INSERT INTO a SELECT * FROM unnest($1, $2)),\ns1 AS (UPDATE b SET n = n + $3"))
        #expect(combined.parameters.count == 5)
        try await connection.execute(combined)
        let a = try await connection.query("SELECT string_agg(s, ',' ORDER BY n), sum(n)::int8 FROM a")
        #expect(try a[0].decode(String.self, at: 0) == "x,y$2,z")
        #expect(try a[0].decode(Int64.self, at: 1) == 6)
        let b = try await connection.query("SELECT k, n FROM b")
        #expect(b.count == 1)
        #expect(try b[0].decode(Int64.self, at: 0) == 2)
        #expect(try b[0].decode(Int64.self, at: 1) == 25)
        #expect(PostgresStatement.combiningWrites([]).isEmpty)
        await connection.close()
    }
}
