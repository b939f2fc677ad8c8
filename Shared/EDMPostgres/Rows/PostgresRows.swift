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

/// A column of a result: its name (as the query labelled it), type and wire format.
public struct PostgresColumn: Sendable, Equatable {
    public let name: String
    public let dataType: PostgresDataType
    public let format: PostgresFormat
}

/// How result values travel: text (PostgreSQL's output format, the default) or binary (no
/// formatting on the server, no parsing here; see `PostgresQueryable.query(_:_:resultFormat:)`).
public enum PostgresFormat: Int32, Sendable {
    case text = 0
    case binary = 1
}

/// Immutable copy of a PGresult: every value's bytes in one buffer.
final class ResultStorage: Sendable {
    let columns: [PostgresColumn]
    /// First column with each name (duplicate names resolve to the leftmost, like libpq).
    let columnIndex: [String: Int]
    /// Row-major cells: where each value starts in `bytes`, and its length (-1 for NULL).
    let starts: [Int]
    let lengths: [Int32]
    let bytes: [UInt8]
    let rowCount: Int
    let affectedRows: Int?
    let commandTag: String

    init(
        columns: [PostgresColumn], starts: [Int], lengths: [Int32], bytes: [UInt8], rowCount: Int,
        affectedRows: Int?, commandTag: String
    ) {
        self.columns = columns
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column.name] == nil {
            index[column.name] = position
        }
        self.columnIndex = index
        self.starts = starts
        self.lengths = lengths
        self.bytes = bytes
        self.rowCount = rowCount
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    /// The bytes of cell `index`, or nil for NULL.
    func withBytes<R>(ofCell index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        let length = Int(lengths[index])
        guard length >= 0 else { return nil }
        return try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[starts[index]..<starts[index] + length]))
        }
    }
}
