/// One result value as the server sent it (text or binary), with enough context for errors that
/// say which column went wrong.
public struct PostgresCell: Sendable {
    let storage: ResultStorage
    let cellIndex: Int
    public let dataType: PostgresDataType
    public let format: PostgresFormat
    public let columnName: String
    public let columnIndex: Int

    public var isNull: Bool { storage.lengths[cellIndex] < 0 }

    /// The value's bytes for the duration of `body`; nil (without calling it) for SQL NULL.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        try storage.withBytes(ofCell: cellIndex, body)
    }

    /// The bytes as UTF-8: PostgreSQL's text output in text format; in binary format only
    /// meaningful for text-like types (text, varchar, name, json, enums). nil is SQL NULL.
    public var text: String? {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The text, or `.unexpectedNull` for a non-optional target type.
    public func requireText<T>(for type: T.Type) throws(PostgresDecodingError) -> String {
        guard let text else { throw error(.unexpectedNull, decoding: type) }
        return text
    }

    /// Calls `body` with a non-NULL binary value, or throws `.unexpectedNull`.
    func requireBinary<T, R>(for type: T.Type, _ body: (UnsafeRawBufferPointer) -> R?) throws(PostgresDecodingError) -> R {
        guard let decoded = withBytes(body) else { throw error(.unexpectedNull, decoding: type) }
        guard let value = decoded else { throw error(.invalidValue, decoding: type) }
        return value
    }

    /// Refuses columns of other types, so e.g. a text column holding "1" is not silently read
    /// as an integer.
    public func requireType<T>(_ accepted: Set<PostgresDataType>, for type: T.Type) throws(PostgresDecodingError) {
        guard accepted.contains(dataType) else { throw error(.typeMismatch, decoding: type) }
    }

    public func error<T>(_ kind: PostgresDecodingError.Kind, decoding type: T.Type) -> PostgresDecodingError {
        PostgresDecodingError(
            kind: kind, columnName: columnName, columnIndex: columnIndex,
            targetType: String(describing: type), columnType: dataType)
    }
}
