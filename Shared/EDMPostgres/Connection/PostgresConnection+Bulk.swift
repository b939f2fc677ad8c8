import Foundation

/// Bulk operations: many statements in one round trip (libpq's pipeline mode), and many rows
/// in one `COPY ... FROM STDIN (FORMAT binary)`.
extension PostgresConnection {
    /// Sends all `statements` at once and returns their results in order: one round trip
    /// instead of one per statement. Outside a transaction they run as one implicit
    /// transaction: if one fails, its `PostgresError` (with `statementIndex`) is thrown, the
    /// statements after it are skipped and those before it are rolled back. Inside a
    /// `transaction { }` a failure aborts the transaction as any failed statement does.
    ///
    /// Every result is held in memory until all have arrived. Long pipelines with large results
    /// do not deadlock: libpq reads what the server sends while it waits to send more.
    public func pipeline(
        _ statements: [PostgresStatement], resultFormat: PostgresFormat = .text
    ) async throws -> [PostgresRows] {
        guard !statements.isEmpty else { return [] }
        var prepared: [LibPQConnection.PipelinedStatement] = []
        prepared.reserveCapacity(statements.count)
        for statement in statements {
            let sql = statement.sql
            try LibPQParameters.checkSQL(sql)
            prepared.append(.init(sql: sql, parameters: try LibPQParameters(statement.parameters)))
        }
        return try await handle.pipeline(prepared, resultFormat: resultFormat)
    }

    /// Inserts `rows` into `columns` of `table` with `COPY ... FROM STDIN (FORMAT binary)` and
    /// returns how many rows went in. All or nothing: a bad value or a violated constraint
    /// fails the whole copy. `table` and `columns` are identifiers (quoted here, so any name
    /// works); `schema` qualifies the table when given.
    @discardableResult
    public func copy(
        _ rows: PostgresCopyRows, into table: String, columns: [String], schema: String? = nil
    ) async throws -> Int {
        guard columns.count == rows.columnCount else {
            throw PostgresError(
                kind: .client, message: "\(columns.count) COPY columns named for rows of \(rows.columnCount) values")
        }
        let target = (schema.map { quoteIdentifier($0) + "." } ?? "") + quoteIdentifier(table)
        let sql = "COPY \(target) (\(columns.map(quoteIdentifier).joined(separator: ", "))) FROM STDIN (FORMAT binary)"
        return try await handle.copyIn(sql, data: [rows.buffer, PostgresCopyRows.trailer])
    }
}

extension PostgresTransaction {
    /// `PostgresConnection.pipeline` inside this transaction.
    public func pipeline(
        _ statements: [PostgresStatement], resultFormat: PostgresFormat = .text
    ) async throws -> [PostgresRows] {
        try await connection.pipeline(statements, resultFormat: resultFormat)
    }

    /// `PostgresConnection.copy` inside this transaction.
    @discardableResult
    public func copy(
        _ rows: PostgresCopyRows, into table: String, columns: [String], schema: String? = nil
    ) async throws -> Int {
        try await connection.copy(rows, into: table, columns: columns, schema: schema)
    }
}

extension PostgresPool {
    /// `PostgresConnection.pipeline` on any free connection.
    public func pipeline(
        _ statements: [PostgresStatement], resultFormat: PostgresFormat = .text
    ) async throws -> [PostgresRows] {
        try await withConnection { try await $0.pipeline(statements, resultFormat: resultFormat) }
    }

    /// `PostgresConnection.copy` on any free connection.
    @discardableResult
    public func copy(
        _ rows: PostgresCopyRows, into table: String, columns: [String], schema: String? = nil
    ) async throws -> Int {
        try await withConnection { try await $0.copy(rows, into: table, columns: columns, schema: schema) }
    }
}

/// `"name"` with embedded quotes doubled: safe for any identifier.
func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
