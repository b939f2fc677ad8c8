/// One row of a `PostgresRows`. Decoding is explicit about the Swift type so a schema change
/// surfaces as a `PostgresDecodingError` naming the column rather than as a wrong value.
public struct PostgresRow: Sendable {
    let storage: ResultStorage
    let row: Int

    public var columns: [PostgresColumn] { storage.columns }

    /// The raw cell at a column index, or nil when the index is out of range.
    public func cell(at index: Int) -> PostgresCell? {
        guard index >= 0 && index < storage.columns.count else { return nil }
        let column = storage.columns[index]
        return PostgresCell(
            storage: storage, cellIndex: row * storage.columns.count + index, dataType: column.dataType,
            format: column.format, columnName: column.name, columnIndex: index)
    }

    /// `try row.decode(Int64.self, at: 0)`; use an Optional type for nullable columns.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws(PostgresDecodingError) -> T {
        guard let cell = cell(at: index) else {
            throw PostgresDecodingError(
                kind: .columnIndexOutOfRange, columnIndex: index, targetType: String(describing: type))
        }
        return try T(postgresCell: cell)
    }

    /// `try row.decode(String?.self, column: "name")`; the leftmost column with that name.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column name: String) throws(PostgresDecodingError) -> T {
        guard let index = storage.columnIndex[name] else {
            throw PostgresDecodingError(kind: .columnNotFound, columnName: name, targetType: String(describing: type))
        }
        return try decode(type, at: index)
    }

    /// True when the column is SQL NULL (or does not exist).
    public func isNull(column name: String) -> Bool {
        guard let index = storage.columnIndex[name] else { return true }
        return cell(at: index)?.isNull ?? true
    }
}
