import Foundation

/// A value that can be sent as a statement parameter. Parameters always travel separately from
/// the SQL text (never spliced in), which is what makes quotes and backslashes harmless.
/// Conform your own types (e.g. a `RawRepresentable` enum) by forwarding to a built-in one.
public protocol PostgresBindable: Sendable {
    /// The parameter in the format the server should read it in; `.null` sends SQL NULL.
    var postgresValue: PostgresValue { get }
    /// The type declared to the server; `.unknown` lets it infer one from context (text only).
    var postgresDataType: PostgresDataType { get }
}

extension String: PostgresBindable {
    public var postgresValue: PostgresValue { .text(self) }
    /// Unknown, not text, so a string can fill a uuid, enum or jsonb column without a cast.
    public var postgresDataType: PostgresDataType { .unknown }
}

extension Substring: PostgresBindable {
    public var postgresValue: PostgresValue { .text(String(self)) }
    public var postgresDataType: PostgresDataType { .unknown }
}

// Numbers, booleans, timestamps, uuids and bytes travel binary: no formatting here, no parsing
// on the server.

extension Int: PostgresBindable {
    public var postgresValue: PostgresValue { .binary(PostgresBinary.bytes(Int64(self))) }
    public var postgresDataType: PostgresDataType { .int8 }
}

extension Int64: PostgresBindable {
    public var postgresValue: PostgresValue { .binary(PostgresBinary.bytes(self)) }
    public var postgresDataType: PostgresDataType { .int8 }
}

extension Int32: PostgresBindable {
    public var postgresValue: PostgresValue { .binary(PostgresBinary.bytes(self)) }
    public var postgresDataType: PostgresDataType { .int4 }
}

extension Int16: PostgresBindable {
    public var postgresValue: PostgresValue { .binary(PostgresBinary.bytes(self)) }
    public var postgresDataType: PostgresDataType { .int2 }
}

extension Double: PostgresBindable {
    /// IEEE 754 bits: exact, including NaN and the infinities.
    public var postgresValue: PostgresValue { .binary(PostgresBinary.bytes(bitPattern)) }
    public var postgresDataType: PostgresDataType { .float8 }
}

extension Bool: PostgresBindable {
    public var postgresValue: PostgresValue { .binary([self ? 1 : 0]) }
    public var postgresDataType: PostgresDataType { .bool }
}

extension Date: PostgresBindable {
    /// Microseconds since 2000-01-01 UTC (timestamptz's precision).
    public var postgresValue: PostgresValue { .binary(PostgresBinary.bytes(PostgresBinary.microseconds(self))) }
    public var postgresDataType: PostgresDataType { .timestamptz }
}

extension UUID: PostgresBindable {
    public var postgresValue: PostgresValue {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        PostgresBinary.append(self, to: &bytes)
        return .binary(bytes)
    }
    public var postgresDataType: PostgresDataType { .uuid }
}

extension Data: PostgresBindable {
    public var postgresValue: PostgresValue { .binary([UInt8](self)) }
    public var postgresDataType: PostgresDataType { .bytea }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresValue: PostgresValue { self?.postgresValue ?? .null }
    public var postgresDataType: PostgresDataType {
        switch self {
        case .some(let value): value.postgresDataType
        case .none: .unknown
        }
    }
}

enum PostgresBytes {
    /// Decodes bytea's hex output format (`\x0a1b...`), the server default since 9.0.
    static func hexDecode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"),
            utf8.count % 2 == 0
        else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
