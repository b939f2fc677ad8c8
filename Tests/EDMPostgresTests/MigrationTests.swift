import EDMPostgres
import Testing

@Suite("Migrations")
struct MigrationTests {
    static let migrations = [
        Migration(version: 1, name: "create_accounts", sql: "CREATE TABLE accounts (id bigint PRIMARY KEY, name text)"),
        Migration(
            version: 2, name: "add_email",
            sql: """
                ALTER TABLE accounts ADD COLUMN email text;
                CREATE UNIQUE INDEX accounts_email ON accounts (email);
                """),
    ]

    @Test func appliesOnceAndTheSecondRunIsANoOp() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 2))
        let migrator = Migrator(pool: pool)
        #expect(try await migrator.appliedVersions() == [])
        // Given out of order, applied in version order.
        #expect(try await migrator.apply(Self.migrations.reversed()) == [1, 2])
        #expect(try await migrator.apply(Self.migrations) == [])
        #expect(try await migrator.appliedVersions() == [1, 2])
        let recorded = try await pool.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        #expect(try recorded.map { try $0.decode(String.self, column: "name") } == ["create_accounts", "add_email"])
        #expect(recorded.columns.map(\.dataType) == [.int4, .text, .timestamptz])
        try await pool.execute("INSERT INTO accounts (id, name, email) VALUES (1, 'a', 'a@x')")

        let more = Self.migrations + [Migration(version: 3, name: "add_flag", sql: "ALTER TABLE accounts ADD COLUMN flag bool")]
        #expect(try await migrator.apply(more) == [3])
        #expect(try await pool.query("SELECT flag FROM accounts")[0].decode(Bool?.self, at: 0) == nil)
        await pool.close()
    }

    @Test func aFailingMigrationRollsBackAndLeavesNoRecord() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 2))
        let migrator = Migrator(pool: pool)
        let broken = [
            Self.migrations[0],
            Migration(version: 2, name: "half_broken", sql: "CREATE TABLE extra (x int); SELEC oops;"),
            Migration(version: 3, name: "never_reached", sql: "CREATE TABLE later (x int)"),
        ]
        let error = await #expect(throws: MigrationError.self) { try await migrator.apply(broken) }
        guard case .failed(let version, let name, let cause)? = error else {
            Issue.record("expected .failed, got \(String(describing: error))")
            return
        }
        #expect(version == 2)
        #expect(name == "half_broken")
        #expect(cause.sqlState == "42601")
        #expect(try await migrator.appliedVersions() == [1])
        // The statement before the failure in the same migration was rolled back too.
        let tables = try await pool.query(
            "SELECT to_regclass('extra') IS NULL, to_regclass('later') IS NULL, to_regclass('accounts') IS NOT NULL")
        #expect(try tables[0].decode(Bool.self, at: 0))
        #expect(try tables[0].decode(Bool.self, at: 1))
        #expect(try tables[0].decode(Bool.self, at: 2))
        // Fixed, it applies from where it stopped.
        var fixed = broken
        fixed[1].sql = "CREATE TABLE extra (x int)"
        #expect(try await migrator.apply(fixed) == [2, 3])
        await pool.close()
    }

    @Test func duplicateAndInvalidVersionsAreRejectedBeforeTouchingTheDatabase() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 1))
        let migrator = Migrator(pool: pool)
        let duplicated = Self.migrations + [Migration(version: 2, name: "other", sql: "SELECT 1")]
        await #expect(throws: MigrationError.duplicateVersion(2)) { try await migrator.apply(duplicated) }
        await #expect(throws: MigrationError.invalidVersion(0)) {
            try await migrator.apply([Migration(version: 0, name: "zero", sql: "SELECT 1")])
        }
        let exists = try await pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        #expect(try exists[0].decode(Bool.self, at: 0) == false)
        await pool.close()
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        let configuration = try await Fixtures.configuration(poolSize: 2)
        let setup = PostgresPool(configuration: configuration)
        try await setup.execute("CREATE TABLE runs (version int)")
        let migrations = (1...5).map { version in
            Migration(
                version: version, name: "m\(version)",
                sql: "INSERT INTO runs VALUES (\(version)); SELECT pg_sleep(0.02);")
        }
        let pools = (0..<3).map { _ in PostgresPool(configuration: configuration) }
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for pool in pools {
                group.addTask { try await Migrator(pool: pool).apply(migrations) }
            }
            var all: [[Int]] = []
            for try await applied in group { all.append(applied) }
            return all
        }
        #expect(results.flatMap { $0 }.sorted() == [1, 2, 3, 4, 5])
        let runs = try await setup.query("SELECT version FROM runs ORDER BY version")
        #expect(try runs.map { try $0.decode(Int.self, at: 0) } == [1, 2, 3, 4, 5])
        for pool in pools { await pool.close() }
        await setup.close()
    }
}
