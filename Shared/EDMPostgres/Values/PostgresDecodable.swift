import Foundation

/// One result value as the server sent it (text format), with enough context for errors that
/// say which column went wrong.
public struct PostgresCell: Sendable {
    /// The value in PostgreSQL's text output format; nil is SQL NULL.
    public let text: String?
    public let dataType: PostgresDataType
    public let columnName: String
    public let columnIndex: Int

    /// The text, or `.unexpectedNull` for a non-optional target type.
    public func requireText<T>(for type: T.Type) throws(PostgresDecodingError) -> String {
        guard let text else { throw error(.unexpectedNull, decoding: type) }
        return text
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

/// A Swift type a result column can be decoded into. Conform your own types by decoding a
/// built-in one from the cell and converting.
public protocol PostgresDecodable {
    init(postgresCell cell: PostgresCell) throws(PostgresDecodingError)
}

/// Why a value could not be decoded. Never contains the value itself (it may be personal data).
public struct PostgresDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The column is NULL but the target type is not optional.
        case unexpectedNull
        /// The column's type cannot be decoded into the target type.
        case typeMismatch
        /// The column's type fits but its text could not be parsed (or is out of range).
        case invalidValue
        case columnNotFound
        case columnIndexOutOfRange
    }

    public var kind: Kind
    public var columnName: String?
    public var columnIndex: Int?
    public var targetType: String
    public var columnType: PostgresDataType?

    public init(
        kind: Kind, columnName: String? = nil, columnIndex: Int? = nil, targetType: String,
        columnType: PostgresDataType? = nil
    ) {
        self.kind = kind
        self.columnName = columnName
        self.columnIndex = columnIndex
        self.targetType = targetType
        self.columnType = columnType
    }

    public var description: String {
        let column = columnName.map { "column \"\($0)\"" } ?? columnIndex.map { "column \($0)" } ?? "column"
        return switch kind {
        case .unexpectedNull: "cannot decode NULL \(column) as non-optional \(targetType)"
        case .typeMismatch: "cannot decode \(column) of type \(columnType?.description ?? "?") as \(targetType)"
        case .invalidValue: "\(column) of type \(columnType?.description ?? "?") holds a value that is not a valid \(targetType)"
        case .columnNotFound: "no \(column) in the result (decoding \(targetType))"
        case .columnIndexOutOfRange: "\(column) is out of range (decoding \(targetType))"
        }
    }
}

extension String: PostgresDecodable {
    /// Accepts any column type: the text representation is always meaningful.
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        self = try cell.requireText(for: String.self)
    }
}

private let integerTypes: Set<PostgresDataType> = [.int2, .int4, .int8, .oid]

extension PostgresCell {
    fileprivate func integer<T: FixedWidthInteger>(_ type: T.Type) throws(PostgresDecodingError) -> T {
        try requireType(integerTypes, for: type)
        guard let value = T(try requireText(for: type)) else { throw error(.invalidValue, decoding: type) }
        return value
    }
}

extension Int: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) { self = try cell.integer(Int.self) }
}

extension Int64: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) { self = try cell.integer(Int64.self) }
}

extension Int32: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) { self = try cell.integer(Int32.self) }
}

extension Int16: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) { self = try cell.integer(Int16.self) }
}

extension Double: PostgresDecodable {
    /// Also accepts numeric and integers, since callers reading an average or a sum rarely care.
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.float4, .float8, .numeric, .int2, .int4, .int8], for: Double.self)
        guard let value = Double(try cell.requireText(for: Double.self)) else {
            throw cell.error(.invalidValue, decoding: Double.self)
        }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.bool], for: Bool.self)
        switch try cell.requireText(for: Bool.self) {
        case "t": self = true
        case "f": self = false
        default: throw cell.error(.invalidValue, decoding: Bool.self)
        }
    }
}

extension Date: PostgresDecodable {
    /// timestamptz (any offset), timestamp (read as UTC) and date (midnight UTC).
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.timestamptz, .timestamp, .date], for: Date.self)
        let kind: PostgresTimestamp.Kind =
            switch cell.dataType {
            case .timestamp: .timestamp
            case .date: .date
            default: .timestamptz
            }
        guard let date = PostgresTimestamp.parse(try cell.requireText(for: Date.self), as: kind) else {
            throw cell.error(.invalidValue, decoding: Date.self)
        }
        self = date
    }
}

extension UUID: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.uuid], for: UUID.self)
        guard let uuid = UUID(uuidString: try cell.requireText(for: UUID.self)) else {
            throw cell.error(.invalidValue, decoding: UUID.self)
        }
        self = uuid
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.bytea], for: [UInt8].self)
        guard let bytes = PostgresBytes.hexDecode(try cell.requireText(for: [UInt8].self)) else {
            throw cell.error(.invalidValue, decoding: [UInt8].self)
        }
        self = bytes
    }
}

extension Data: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        self = Data(try [UInt8](postgresCell: cell))
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// NULL becomes nil; anything else must decode as `Wrapped`.
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        if cell.text == nil {
            self = .none
        } else {
            self = .some(try Wrapped(postgresCell: cell))
        }
    }
}
