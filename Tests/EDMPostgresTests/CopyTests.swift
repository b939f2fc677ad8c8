import EDMPostgres
import Foundation
import Testing

@Suite("COPY FROM STDIN (FORMAT binary)")
struct CopyTests {
    @Test func fiveThousandRowsOfEveryBinaryType() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute(
            """
            CREATE TABLE "copied rows" (id uuid PRIMARY KEY, label text, n int8 NOT NULL, small int4, at timestamptz,
                flag bool, ratio float8, tags text[], blob bytea)
            """)
        let base = Date(timeIntervalSince1970: 1_700_000_000.5)
        var ids: [UUID] = []
        var rows = PostgresCopyRows(columnCount: 9)
        for index in 0..<5_000 {
            let id = UUID()
            ids.append(id)
            try rows.append([
                id, index % 7 == 0 ? nil : "row \(index) ünï \"q\" ,{}", Int64(index), Int32(-index),
                base.addingTimeInterval(Double(index)), index % 2 == 0, Double(index) / 4,
                ["a\(index)", "NULL", ""], [UInt8(index % 256), 0],
            ])
        }
        #expect(rows.rowCount == 5_000)
        let copied = try await connection.copy(
            rows, into: "copied rows", columns: ["id", "label", "n", "small", "at", "flag", "ratio", "tags", "blob"])
        #expect(copied == 5_000)
        let summary = try await connection.query(
            """
            SELECT count(*), sum(n)::int8, sum(small)::int8, count(label), min(at), max(at), count(*) FILTER (WHERE flag),
                   sum(ratio), count(*) FILTER (WHERE tags = ARRAY['a' || n, 'NULL', '']), count(DISTINCT id)
            FROM "copied rows"
            """)[0]
        #expect(try summary.decode(Int.self, at: 0) == 5_000)
        #expect(try summary.decode(Int64.self, at: 1) == 12_497_500)
        #expect(try summary.decode(Int64.self, at: 2) == -12_497_500)
        #expect(try summary.decode(Int.self, at: 3) == 5_000 - 715)
        #expect(try summary.decode(Date.self, at: 4) == base)
        #expect(try summary.decode(Date.self, at: 5) == base.addingTimeInterval(4_999))
        #expect(try summary.decode(Int.self, at: 6) == 2_500)
        #expect(try summary.decode(Double.self, at: 7) == 12_497_500.0 / 4)
        #expect(try summary.decode(Int.self, at: 8) == 5_000)
        #expect(try summary.decode(Int.self, at: 9) == 5_000)
        let one = try await connection.query(#"SELECT label, blob FROM "copied rows" WHERE id = $1"#, [ids[1]])[0]
        #expect(try one.decode(String.self, at: 0) == "row 1 ünï \"q\" ,{}")
        #expect(try one.decode([UInt8].self, at: 1) == [1, 0])
        await connection.close()
    }

    @Test func aBadRowFailsTheWholeCopyWithItsSQLState() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE c (n int8 NOT NULL)")
        var rows = PostgresCopyRows(columnCount: 1)
        for index in 0..<100 { try rows.append([index == 50 ? nil : Int64(index)]) }
        let error = await #expect(throws: PostgresError.self) { try await connection.copy(rows, into: "c", columns: ["n"]) }
        #expect(error?.isNotNullViolation == true)
        #expect(try await connection.query("SELECT count(*) FROM c")[0].decode(Int.self, at: 0) == 0)
        // A wrong binary type is the server's error too, and the connection carries on.
        var wrong = PostgresCopyRows(columnCount: 1)
        try wrong.append([Int32(1)])
        let mismatch = await #expect(throws: PostgresError.self) { try await connection.copy(wrong, into: "c", columns: ["n"]) }
        #expect(mismatch?.kind == .server)
        #expect(connection.isBroken == false)
        let missing = await #expect(throws: PostgresError.self) { try await connection.copy(rows, into: "nope", columns: ["n"]) }
        #expect(missing?.isUndefinedTable == true)
        #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        await connection.close()
    }

    @Test func aLostConnectionIsAConnectionError() async throws {
        let configuration = try await Fixtures.sharedConfiguration()
        let connection = try await PostgresConnection.connect(configuration)
        try await Fixtures.terminate(connection.backendPID, configuration: configuration)
        var rows = PostgresCopyRows(columnCount: 1)
        try rows.append([Int64(1)])
        let error = await #expect(throws: PostgresError.self) { try await connection.copy(rows, into: "t", columns: ["n"]) }
        #expect(error?.isConnectionError == true)
        #expect(connection.isBroken)
    }

    @Test func rowsOfTheWrongWidthAreRefusedHere() async throws {
        var rows = PostgresCopyRows(columnCount: 2)
        let error = #expect(throws: PostgresError.self) { try rows.append([Int64(1)]) }
        #expect(error?.kind == .client)
        #expect(rows.rowCount == 0)
        let connection = try await Fixtures.sharedConnection()
        let columns = await #expect(throws: PostgresError.self) {
            try await connection.copy(rows, into: "t", columns: ["only_one"])
        }
        #expect(columns?.kind == .client)
        await connection.close()
    }

    @Test func copyInsideATransactionRollsBackWithIt() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 1))
        try await pool.execute("CREATE SCHEMA \"odd \"\"name\"\"\"")
        try await pool.execute("CREATE TABLE r (n int8)")
        var rows = PostgresCopyRows(columnCount: 1)
        for index in 0..<10 { try rows.append([Int64(index)]) }
        // Identifiers are quoted, whatever they hold; the pool lends a connection for it.
        try await pool.execute("CREATE TABLE \"odd \"\"name\"\"\".\"t\" (n int8)")
        #expect(try await pool.copy(rows, into: "t", columns: ["n"], schema: "odd \"name\"") == 10)
        #expect(try await pool.query("SELECT sum(n)::int8 FROM \"odd \"\"name\"\"\".t")[0].decode(Int64.self, at: 0) == 45)
        await #expect(throws: ExpectedFailure.self) {
            try await pool.transaction { transaction in
                #expect(try await transaction.copy(rows, into: "r", columns: ["n"]) == 10)
                #expect(try await transaction.query("SELECT count(*) FROM r")[0].decode(Int.self, at: 0) == 10)
                throw ExpectedFailure()
            }
        }
        #expect(try await pool.query("SELECT count(*) FROM r")[0].decode(Int.self, at: 0) == 0)
        await pool.close()
    }
}
