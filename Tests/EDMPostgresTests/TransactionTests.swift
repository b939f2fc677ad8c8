import EDMPostgres
import Testing

@Suite("Transactions")
struct TransactionTests {
    @Test func commitKeepsRowsAndReturnsTheBodysValue() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE t (x int)")
        let inserted = try await connection.transaction { tx in
            try await tx.execute("INSERT INTO t VALUES (1), (2)")
        }
        #expect(inserted == 2)
        #expect(try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 2)
    }

    @Test func throwingRollsBackEverything() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE t (x int)")
        await #expect(throws: ExpectedFailure.self) {
            try await connection.transaction { tx in
                try await tx.execute("INSERT INTO t VALUES ($1)", [1])
                try await tx.execute("INSERT INTO t VALUES ($1)", [2])
                #expect(try await tx.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 2)
                throw ExpectedFailure()
            }
        }
        #expect(try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
        #expect(connection.isBroken == false)
        // The connection is back outside a transaction and usable for the next one.
        try await connection.transaction { tx in try await tx.execute("INSERT INTO t VALUES (3)") }
        #expect(try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 1)
    }

    @Test func aFailedStatementWhoseErrorWasCaughtDoesNotCommit() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE t (x int PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.transaction { tx in
                try await tx.execute("INSERT INTO t VALUES (1)")
                _ = try? await tx.execute("INSERT INTO t VALUES (1)")  // unique violation, swallowed
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
    }

    @Test func isolationLevelIsApplied() async throws {
        let connection = try await Fixtures.sharedConnection()
        let level = try await connection.transaction(isolationLevel: .serializable) { tx in
            try await tx.query("SHOW transaction_isolation")[0].decode(String.self, at: 0)
        }
        #expect(level == "serializable")
        let defaultLevel = try await connection.transaction { tx in
            try await tx.query("SHOW transaction_isolation")[0].decode(String.self, at: 0)
        }
        #expect(defaultLevel == "read committed")
    }

    @Test func nestedTransactionsAreRefused() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE t (x int)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.transaction { tx in
                try await tx.execute("INSERT INTO t VALUES (1)")
                try await tx.connection.transaction { inner in try await inner.execute("INSERT INTO t VALUES (2)") }
            }
        }
        #expect(error?.kind == .client)
        #expect(try await connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
    }

    @Test func poolTransactionRollsBackOnThrow() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 2))
        try await pool.execute("CREATE TABLE t (x int)")
        await #expect(throws: ExpectedFailure.self) {
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO t VALUES (1)")
                throw ExpectedFailure()
            }
        }
        #expect(try await pool.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
        await pool.close()
    }
}

@Suite("Transactions from an actor")
struct ActorTransactionTests {
    /// The closures run in the caller's isolation, so they can touch actor state directly.
    actor Ledger {
        var total = 0
        let pool: PostgresPool

        init(pool: PostgresPool) {
            self.pool = pool
        }

        func record(_ amount: Int) async throws {
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO ledger VALUES ($1)", [amount])
                total += amount
            }
            try await pool.withConnection { connection in
                total += try await connection.query("SELECT 0")[0].decode(Int.self, at: 0)
            }
        }
    }

    @Test func closuresMayMutateActorState() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 2))
        try await pool.execute("CREATE TABLE ledger (amount int)")
        let ledger = Ledger(pool: pool)
        try await ledger.record(5)
        try await ledger.record(7)
        #expect(await ledger.total == 12)
        #expect(try await pool.query("SELECT sum(amount) FROM ledger")[0].decode(Int.self, at: 0) == 12)
        await pool.close()
    }
}
