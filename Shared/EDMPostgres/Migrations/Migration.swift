/// One schema change. Versions order the changes and are recorded in `schema_migrations` so
/// each runs exactly once per database; never edit a migration that has shipped, add a new one.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    /// One or more statements, run inside a transaction (so no `BEGIN`/`COMMIT`, and nothing
    /// that refuses to run in one, such as `CREATE INDEX CONCURRENTLY`).
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two migrations share a version (often two branches merged).
    case duplicateVersion(Int)
    /// Versions are stored as `int`: 1...2147483647.
    case invalidVersion(Int)
    /// A migration's SQL failed; its transaction was rolled back and nothing was recorded.
    case failed(version: Int, name: String, error: PostgresError)

    public var description: String {
        switch self {
        case .duplicateVersion(let version): "two migrations have version \(version)"
        case .invalidVersion(let version): "migration version \(version) is outside 1...2147483647"
        case .failed(let version, let name, let error): "migration \(version) (\(name)) failed: \(error)"
        }
    }
}
