/// The handle a `transaction { }` body receives: every statement run through it belongs to the
/// open transaction.
public struct PostgresTransaction: PostgresQueryable {
    /// The underlying connection, e.g. for `backendPID`. Do not start another transaction on it.
    public let connection: PostgresConnection

    public func query(
        _ sql: String, _ parameters: [(any PostgresBindable)?], resultFormat: PostgresFormat
    ) async throws -> PostgresRows {
        try await connection.query(sql, parameters, resultFormat: resultFormat)
    }

    /// Several statements without parameters, inside this transaction (see
    /// `PostgresConnection.executeScript`).
    public func executeScript(_ sql: String) async throws {
        try await connection.executeScript(sql)
    }
}

/// Isolation levels PostgreSQL distinguishes (READ UNCOMMITTED behaves as READ COMMITTED).
public enum PostgresIsolationLevel: Sendable {
    case readCommitted, repeatableRead, serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}
