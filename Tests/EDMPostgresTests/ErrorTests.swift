import EDMPostgres
import Testing

@Suite("Server errors")
struct ErrorTests {
    @Test func syntaxError() async throws {
        let connection = try await Fixtures.sharedConnection()
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELEC 1") }
        #expect(error?.kind == .server)
        #expect(error?.sqlState == "42601")
        #expect(error?.isSyntaxError == true)
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.isConnectionError == false)
        // An error outside a transaction leaves the connection usable.
        #expect(try await connection.query("SELECT 2")[0].decode(Int.self, at: 0) == 2)
        #expect(connection.isBroken == false)
    }

    @Test func uniqueViolationCarriesConstraintAndDetail() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE users (email text CONSTRAINT users_email_key UNIQUE)")
        try await connection.execute("INSERT INTO users VALUES ($1)", ["a@example.com"])
        let error = await #expect(throws: PostgresError.self) {
            try await connection.execute("INSERT INTO users VALUES ($1)", ["a@example.com"])
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.isUniqueViolation == true)
        #expect(error?.constraint == "users_email_key")
        #expect(error?.table == "users")
        #expect(error?.detail?.contains("already exists") == true)
        #expect(error?.isForeignKeyViolation == false)
    }

    @Test func undefinedTable() async throws {
        let connection = try await Fixtures.sharedConnection()
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT * FROM no_such_table WHERE id = $1", [1])
        }
        #expect(error?.sqlState == "42P01")
        #expect(error?.isUndefinedTable == true)
        #expect(error?.description.contains("no_such_table") == true)
    }

    @Test func oneStatementPerQuery() async throws {
        // The extended protocol refuses a second statement smuggled into the SQL text.
        let connection = try await Fixtures.connection()
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT $1::int; SELECT 2", [1])
        }
        #expect(error?.sqlState == "42601")
        // Scripts are the explicit way to run several statements.
        try await connection.executeScript("CREATE TABLE a (x int); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);")
        #expect(try await connection.query("SELECT sum(x) FROM a")[0].decode(Int.self, at: 0) == 3)
    }
}
