import EDMEvents
import EDMPostgres
import Foundation

/// A one-dimensional array parameter in PostgreSQL's array literal syntax. A whole batch
/// travels as a few of these to `unnest(...)`, so each table gets one statement per batch
/// whatever the batch size, and no value is ever spliced into SQL text.
///
/// Timestamps travel as epoch milliseconds (`int8[]`, converted in SQL with `to_timestamp`):
/// formatting integers is far cheaper than formatting dates, and a batch holds thousands.
struct PostgresArray: PostgresBindable {
    enum ElementType: UInt32 {
        case text = 1009
        case int4 = 1007
        case int8 = 1016
        case uuid = 2951
    }

    let elementType: ElementType
    /// The literal, built once.
    private let literal: String

    init(text values: [String]) {
        elementType = .text
        literal = Self.quotedLiteral(values)
    }

    init(int8 values: [Int64]) {
        elementType = .int8
        literal = "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    init(int4 values: [Int32]) {
        elementType = .int4
        literal = "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    init(uuid values: [UUID]) {
        elementType = .uuid
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(values.count * 33 + 2)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            withUnsafeBytes(of: value.uuid) { raw in
                for byte in raw {
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
        }
        bytes.append(UInt8(ascii: "}"))
        literal = String(decoding: bytes, as: UTF8.self)
    }

    /// Milliseconds since 1970 (use with `to_timestamp(x / 1000.0)` in SQL).
    init(epochMilliseconds dates: [Date]) {
        self.init(int8: dates.map(EventTimestamp.milliseconds(from:)))
    }

    var postgresDataType: PostgresDataType { PostgresDataType(rawValue: elementType.rawValue) }

    var postgresText: String? { literal }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `{"a","b\"c"}`: every element quoted, with `"` and `\` escaped, so commas, braces,
    /// spaces and the word NULL inside values stay data.
    private static func quotedLiteral(_ values: [String]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(values.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UUID {
    /// The byte order PostgreSQL sorts uuids in, cheap to compare (no string formatting).
    var sortKey: (UInt64, UInt64) {
        withUnsafeBytes(of: uuid) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
