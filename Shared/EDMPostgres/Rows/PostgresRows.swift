/// The complete result of one statement, copied out of libpq before the call returned, so it
/// can be passed between tasks and read without touching the connection.
public struct PostgresRows: RandomAccessCollection, Sendable {
    let storage: ResultStorage

    public var columns: [PostgresColumn] { storage.columns }
    /// Rows inserted, updated, deleted, selected, ... as reported by the server; nil for
    /// statements that report no count (e.g. CREATE TABLE).
    public var affectedRows: Int? { storage.affectedRows }
    /// The server's command tag, e.g. "INSERT 0 1" or "UPDATE 3".
    public var commandTag: String { storage.commandTag }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < storage.rowCount, "row index out of range")
        return PostgresRow(storage: storage, row: position)
    }
}

/// A column of a result: its name (as the query labelled it) and type.
public struct PostgresColumn: Sendable, Equatable {
    public let name: String
    public let dataType: PostgresDataType
}

/// Immutable copy of a PGresult.
final class ResultStorage: Sendable {
    let columns: [PostgresColumn]
    /// First column with each name (duplicate names resolve to the leftmost, like libpq).
    let columnIndex: [String: Int]
    /// Row-major cells; nil is SQL NULL.
    let values: [String?]
    let rowCount: Int
    let affectedRows: Int?
    let commandTag: String

    init(columns: [PostgresColumn], values: [String?], rowCount: Int, affectedRows: Int?, commandTag: String) {
        self.columns = columns
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column.name] == nil {
            index[column.name] = position
        }
        self.columnIndex = index
        self.values = values
        self.rowCount = rowCount
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }
}
