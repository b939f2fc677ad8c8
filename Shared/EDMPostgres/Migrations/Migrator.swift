import Logging

/// Applies migrations at startup. Every process of a deployment may run it at once: an advisory
/// lock serializes them, and each migration commits together with its `schema_migrations` row,
/// so a crash or failure never leaves a half-applied version behind.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: every process must take the same advisory lock.
    static let lockKey: Int64 = 0x4544_4D5F_4D49_4752  // "EDM_MIGR"

    private let pool: PostgresPool
    private let logger: Logger

    public init(pool: PostgresPool, logger: Logger = Logger(label: "edm.postgres.migrations")) {
        self.pool = pool
        self.logger = logger
    }

    /// Applies the migrations not yet recorded, in version order, and returns the versions this
    /// call applied (empty when the database was up to date).
    @discardableResult
    public func apply(_ migrations: [Migration]) async throws -> [Int] {
        var seen: Set<Int> = []
        for migration in migrations {
            guard (1...Int(Int32.max)).contains(migration.version) else {
                throw MigrationError.invalidVersion(migration.version)
            }
            guard seen.insert(migration.version).inserted else {
                throw MigrationError.duplicateVersion(migration.version)
            }
        }
        try await pool.transaction { transaction in
            try await lock(transaction)
            try await transaction.executeScript(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version int PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        }
        let recorded = Set(try await appliedVersions())
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !recorded.contains(migration.version) {
            if try await apply(migration) {
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// Versions recorded in `schema_migrations`, ascending (empty if the table does not exist).
    public func appliedVersions() async throws -> [Int] {
        let exists = try await pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard try exists[0].decode(Bool.self, at: 0) else { return [] }
        let rows = try await pool.query("SELECT version FROM schema_migrations ORDER BY version")
        return try rows.map { try $0.decode(Int.self, at: 0) }
    }

    /// One migration in one transaction; false when another process applied it first.
    private func apply(_ migration: Migration) async throws -> Bool {
        let started = ContinuousClock.now
        let applied = try await pool.transaction { transaction in
            try await lock(transaction)
            let existing = try await transaction.query(
                "SELECT 1 FROM schema_migrations WHERE version = $1", [Int32(migration.version)])
            guard existing.isEmpty else { return false }
            do {
                try await transaction.executeScript(migration.sql)
            } catch let error as PostgresError {
                throw MigrationError.failed(version: migration.version, name: migration.name, error: error)
            }
            try await transaction.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                [Int32(migration.version), migration.name])
            return true
        }
        if applied {
            logger.info(
                "applied migration",
                metadata: [
                    "migration.version": "\(migration.version)", "migration.name": "\(migration.name)",
                    "duration": "\(ContinuousClock.now - started)",
                ])
        }
        return applied
    }

    /// Held until the transaction ends, so a crashed process cannot leave it taken.
    private func lock(_ transaction: PostgresTransaction) async throws {
        try await transaction.execute("SELECT pg_advisory_xact_lock($1)", [Self.lockKey])
    }
}
