/// Every failure of this library that is not a decoding or migration problem. One type, so
/// callers can branch on `kind` / `sqlState` instead of parsing messages.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A connection could not be opened (bad host, auth, SSL required but not offered, ...).
        case connectionFailed
        /// The connection broke while in use; it is unusable and a pool discards it.
        case connectionLost
        /// The connection was used after `close()`.
        case connectionClosed
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// No pooled connection became free within `acquireTimeout`.
        case poolTimeout
        /// The pool was closed (usually during shutdown).
        case poolClosed
        /// Refused on this side: libpq failed without a server error, or the request is not
        /// supported (COPY, nested transactions, NUL characters in text).
        case client
    }

    public var kind: Kind
    /// Five-character SQLSTATE, e.g. "23505"; nil when the server sent none.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The constraint the statement violated, so a unique violation can be mapped to a
    /// domain error ("email taken") without parsing messages.
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// In a pipeline, the position of the statement that failed (the statements after it were
    /// skipped); nil elsewhere.
    public var statementIndex: Int?

    public init(
        kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, constraint: String? = nil, table: String? = nil, column: String? = nil,
        statementIndex: Int? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.statementIndex = statementIndex
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    public var isNotNullViolation: Bool { sqlState == "23502" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    public var isSyntaxError: Bool { sqlState == "42601" }
    public var isUndefinedTable: Bool { sqlState == "42P01" }
    /// The statement was cancelled (task cancellation sends a cancel request to the server).
    public var isQueryCanceled: Bool { sqlState == "57014" }
    /// Worth retrying the whole transaction (serialization failure or deadlock).
    public var isTransient: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// The connection, not the statement, is at fault: retry on another connection.
    public var isConnectionError: Bool {
        switch kind {
        case .connectionFailed, .connectionLost, .connectionClosed: true
        default: sqlState.map { $0.hasPrefix("08") || $0 == "57P01" || $0 == "57P02" || $0 == "57P03" } ?? false
        }
    }

    public var description: String {
        var text = "PostgreSQL \(kind)"
        if let sqlState { text += " [\(sqlState)]" }
        if let statementIndex { text += " (pipeline statement \(statementIndex))" }
        text += ": \(message)"
        if let detail { text += " (detail: \(detail))" }
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
