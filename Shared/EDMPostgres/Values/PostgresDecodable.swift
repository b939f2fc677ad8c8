import Foundation

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
    /// Text format: any column type (the text representation is always meaningful). Binary
    /// format: text-like columns, and integers, uuids, booleans and timestamps rendered the way
    /// the server would print them.
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        guard cell.format == .binary else {
            self = try cell.requireText(for: String.self)
            return
        }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: self = String(try Int64(postgresCell: cell))
        case .uuid: self = try UUID(postgresCell: cell).uuidString.lowercased()
        case .bool: self = try Bool(postgresCell: cell) ? "t" : "f"
        case .float4, .float8: self = String(try Double(postgresCell: cell))
        case .timestamptz, .timestamp: self = PostgresTimestamp.format(try Date(postgresCell: cell))
        case .jsonb:
            // Binary jsonb is a version byte (1) and the JSON text.
            self = try cell.requireBinary(for: String.self) { bytes in
                bytes.first == 1 ? String(decoding: bytes.dropFirst(), as: UTF8.self) : nil
            }
        case .bytea, .numeric, .date, .unknown: throw cell.error(.typeMismatch, decoding: String.self)
        default:
            // text, varchar, bpchar, name, json, enums: the binary form is the text.
            self = try cell.requireText(for: String.self)
        }
    }
}

private let integerTypes: Set<PostgresDataType> = [.int2, .int4, .int8, .oid]

extension PostgresCell {
    fileprivate func integer<T: FixedWidthInteger>(_ type: T.Type) throws(PostgresDecodingError) -> T {
        try requireType(integerTypes, for: type)
        if format == .binary {
            let dataType = dataType
            let wide: Int64 = try requireBinary(for: type) { bytes in
                switch dataType {
                case .int2: PostgresBinary.integer(Int16.self, from: bytes).map(Int64.init)
                case .int4: PostgresBinary.integer(Int32.self, from: bytes).map(Int64.init)
                case .oid: PostgresBinary.integer(UInt32.self, from: bytes).map(Int64.init)
                default: PostgresBinary.integer(Int64.self, from: bytes)
                }
            }
            guard let value = T(exactly: wide) else { throw error(.invalidValue, decoding: type) }
            return value
        }
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
    /// Also accepts numeric and integers, since callers reading an average or a sum rarely care
    /// (numeric only in text format: cast it to float8 when asking for binary results).
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.float4, .float8, .numeric, .int2, .int4, .int8], for: Double.self)
        if cell.format == .binary {
            switch cell.dataType {
            case .float8:
                self = try cell.requireBinary(for: Double.self) { bytes in
                    PostgresBinary.integer(UInt64.self, from: bytes).map(Double.init(bitPattern:))
                }
            case .float4:
                self = try cell.requireBinary(for: Double.self) { bytes in
                    PostgresBinary.integer(UInt32.self, from: bytes).map { Double(Float(bitPattern: $0)) }
                }
            case .numeric: throw cell.error(.typeMismatch, decoding: Double.self)
            default: self = Double(try cell.integer(Int64.self))
            }
            return
        }
        guard let value = Double(try cell.requireText(for: Double.self)) else {
            throw cell.error(.invalidValue, decoding: Double.self)
        }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.bool], for: Bool.self)
        if cell.format == .binary {
            self = try cell.requireBinary(for: Bool.self) { bytes in bytes.count == 1 ? bytes[0] != 0 : nil }
            return
        }
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
        if cell.format == .binary {
            let isDate = cell.dataType == .date
            self = try cell.requireBinary(for: Date.self) { bytes in
                isDate
                    ? PostgresBinary.integer(Int32.self, from: bytes).map {
                        PostgresBinary.date(microseconds: Int64($0) * 86_400_000_000)
                    }
                    : PostgresBinary.integer(Int64.self, from: bytes).map { micros in
                        // The server's infinities are the extreme int64 values.
                        micros == .max ? .distantFuture : micros == .min ? .distantPast : PostgresBinary.date(microseconds: micros)
                    }
            }
            return
        }
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
        if cell.format == .binary {
            self = try cell.requireBinary(for: UUID.self) { bytes in
                bytes.count == 16 ? UUID(uuid: bytes.loadUnaligned(as: uuid_t.self)) : nil
            }
            return
        }
        guard let uuid = UUID(uuidString: try cell.requireText(for: UUID.self)) else {
            throw cell.error(.invalidValue, decoding: UUID.self)
        }
        self = uuid
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    public init(postgresCell cell: PostgresCell) throws(PostgresDecodingError) {
        try cell.requireType([.bytea], for: [UInt8].self)
        if cell.format == .binary {
            self = try cell.requireBinary(for: [UInt8].self) { Array($0) }
            return
        }
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
        if cell.isNull {
            self = .none
        } else {
            self = .some(try Wrapped(postgresCell: cell))
        }
    }
}
