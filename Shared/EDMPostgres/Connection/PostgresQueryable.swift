/// Anything that can run a parameterized statement: a connection, a transaction, or a pool.
/// Write data-access code against this so it works both inside and outside a transaction.
public protocol PostgresQueryable: Sendable {
    /// Runs one statement. `$1`, `$2`, ... in `sql` refer to `parameters`; values are never
    /// spliced into the SQL text, so they need no escaping. `.binary` results skip formatting
    /// and parsing of numbers, uuids and timestamps (worth it for many rows; numeric and
    /// intervals must then be cast, see `PostgresCell`).
    func query(
        _ sql: String, _ parameters: [(any PostgresBindable)?], resultFormat: PostgresFormat
    ) async throws -> PostgresRows
}

extension PostgresQueryable {
    public func query(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) async throws -> PostgresRows {
        try await query(sql, parameters, resultFormat: .text)
    }

    /// Runs a statement assembled with `PostgresStatement`.
    public func query(_ statement: PostgresStatement, resultFormat: PostgresFormat = .text) async throws -> PostgresRows {
        try await query(statement.sql, statement.parameters, resultFormat: resultFormat)
    }

    /// For statements whose rows you do not need; returns the affected row count (0 when the
    /// statement reports none).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) async throws -> Int {
        try await query(sql, parameters).affectedRows ?? 0
    }

    @discardableResult
    public func execute(_ statement: PostgresStatement) async throws -> Int {
        try await query(statement).affectedRows ?? 0
    }
}
