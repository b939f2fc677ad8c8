import Foundation

/// A value that can be sent as a statement parameter. Parameters always travel separately from
/// the SQL text (never spliced in), which is what makes quotes and backslashes harmless.
/// Conform your own types (e.g. a `RawRepresentable` enum) by forwarding to a built-in one.
public protocol PostgresBindable: Sendable {
    /// The parameter in PostgreSQL's text input format; nil sends SQL NULL.
    var postgresText: String? { get }
    /// The type declared to the server; `.unknown` lets it infer one from context.
    var postgresDataType: PostgresDataType { get }
}

extension String: PostgresBindable {
    public var postgresText: String? { self }
    /// Unknown, not text, so a string can fill a uuid, enum or jsonb column without a cast.
    public var postgresDataType: PostgresDataType { .unknown }
}

extension Substring: PostgresBindable {
    public var postgresText: String? { String(self) }
    public var postgresDataType: PostgresDataType { .unknown }
}

extension Int: PostgresBindable {
    public var postgresText: String? { String(self) }
    public var postgresDataType: PostgresDataType { .int8 }
}

extension Int64: PostgresBindable {
    public var postgresText: String? { String(self) }
    public var postgresDataType: PostgresDataType { .int8 }
}

extension Int32: PostgresBindable {
    public var postgresText: String? { String(self) }
    public var postgresDataType: PostgresDataType { .int4 }
}

extension Int16: PostgresBindable {
    public var postgresText: String? { String(self) }
    public var postgresDataType: PostgresDataType { .int2 }
}

extension Double: PostgresBindable {
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)  // shortest text that reads back to the same Double
    }
    public var postgresDataType: PostgresDataType { .float8 }
}

extension Bool: PostgresBindable {
    public var postgresText: String? { self ? "true" : "false" }
    public var postgresDataType: PostgresDataType { .bool }
}

extension Date: PostgresBindable {
    /// ISO 8601 in UTC with microseconds (timestamptz's precision).
    public var postgresText: String? { PostgresTimestamp.format(self) }
    public var postgresDataType: PostgresDataType { .timestamptz }
}

extension UUID: PostgresBindable {
    public var postgresText: String? { uuidString }
    public var postgresDataType: PostgresDataType { .uuid }
}

extension Array: PostgresBindable where Element == UInt8 {
    /// bytea hex format.
    public var postgresText: String? { PostgresBytes.hexEncode(self) }
    public var postgresDataType: PostgresDataType { .bytea }
}

extension Data: PostgresBindable {
    public var postgresText: String? { PostgresBytes.hexEncode(self) }
    public var postgresDataType: PostgresDataType { .bytea }
}

extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresText: String? { self?.postgresText }
    public var postgresDataType: PostgresDataType {
        switch self {
        case .some(let value): value.postgresDataType
        case .none: .unknown
        }
    }
}

enum PostgresBytes {
    private static let digits = Array("0123456789abcdef".utf8)

    static func hexEncode(_ bytes: some Collection<UInt8>) -> String {
        var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        text.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

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
