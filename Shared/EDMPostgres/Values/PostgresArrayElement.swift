import Foundation

/// A type whose Swift arrays bind as one-dimensional PostgreSQL arrays: `[UUID]` as uuid[],
/// `[String]` as text[], `[Int64]` as int8[], `[Date]` as timestamptz[], `[String?]` with NULL
/// elements. Arrays travel in the binary array format, so callers never build array literals,
/// escape elements or know type OIDs; a whole batch can go to `unnest($1)` as one parameter.
///
/// `[UInt8]` is the exception: it binds as bytea (bytes, not an array of numbers).
public protocol PostgresArrayElement: Sendable {
    /// The type of one element (e.g. uuid).
    static var postgresElementDataType: PostgresDataType { get }
    /// The type of an array of them (e.g. uuid[]).
    static var postgresArrayDataType: PostgresDataType { get }
    /// Appends this element as the binary array format stores it: its length as a big-endian
    /// int32 (-1 for NULL), then its binary form.
    func appendPostgresArrayElement(to buffer: inout [UInt8])
    /// The whole array parameter; the default writes the binary array format.
    static func postgresArrayValue(_ elements: [Self]) -> PostgresValue
}

extension PostgresArrayElement {
    /// Header (dimensions, NULL flag, element type, size and lower bound 1), then the elements.
    /// An empty array has zero dimensions.
    public static func postgresArrayValue(_ elements: [Self]) -> PostgresValue {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(20 + elements.count * 12)
        PostgresBinary.append(Int32(elements.isEmpty ? 0 : 1), to: &buffer)
        let flagsAt = buffer.count
        PostgresBinary.append(Int32(0), to: &buffer)
        PostgresBinary.append(postgresElementDataType.rawValue, to: &buffer)
        guard !elements.isEmpty else { return .binary(buffer) }
        PostgresBinary.append(Int32(clamping: elements.count), to: &buffer)
        PostgresBinary.append(Int32(1), to: &buffer)
        var hasNull = false
        for element in elements {
            let lengthAt = buffer.count
            element.appendPostgresArrayElement(to: &buffer)
            if buffer.count == lengthAt + 4, buffer[lengthAt..<lengthAt + 4].elementsEqual([0xFF, 0xFF, 0xFF, 0xFF]) {
                hasNull = true
            }
        }
        if hasNull { buffer[flagsAt + 3] = 1 }
        return .binary(buffer)
    }
}

extension Array: PostgresBindable where Element: PostgresArrayElement {
    public var postgresValue: PostgresValue { Element.postgresArrayValue(self) }
    public var postgresDataType: PostgresDataType { Element.postgresArrayDataType }
}

extension PostgresBinary {
    /// Length-prefixed element bytes.
    static func appendElement(_ bytes: some Collection<UInt8>, to buffer: inout [UInt8]) {
        append(Int32(clamping: bytes.count), to: &buffer)
        buffer.append(contentsOf: bytes)
    }

    static func appendElement<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        append(Int32(MemoryLayout<T>.size), to: &buffer)
        append(value, to: &buffer)
    }
}

extension String: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .text }
    public static var postgresArrayDataType: PostgresDataType { .textArray }
    /// Binary text is the UTF-8 bytes: quotes, commas, braces and "NULL" stay data.
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) {
        PostgresBinary.appendElement(utf8, to: &buffer)
    }
}

extension PostgresArrayElement where Self: FixedWidthInteger {
    /// int2, int4 and int8 elements: big-endian, as wide as the Swift type.
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) { PostgresBinary.appendElement(self, to: &buffer) }
}

extension Int64: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .int8 }
    public static var postgresArrayDataType: PostgresDataType { .int8Array }
}

extension Int: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .int8 }
    public static var postgresArrayDataType: PostgresDataType { .int8Array }
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) {
        PostgresBinary.appendElement(Int64(self), to: &buffer)
    }
}

extension Int32: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .int4 }
    public static var postgresArrayDataType: PostgresDataType { .int4Array }
}

extension Int16: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .int2 }
    public static var postgresArrayDataType: PostgresDataType { .int2Array }
}

extension Double: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .float8 }
    public static var postgresArrayDataType: PostgresDataType { .float8Array }
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) {
        PostgresBinary.appendElement(bitPattern, to: &buffer)
    }
}

extension Bool: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .bool }
    public static var postgresArrayDataType: PostgresDataType { .boolArray }
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) {
        PostgresBinary.appendElement(CollectionOfOne(self ? 1 : 0), to: &buffer)
    }
}

extension UUID: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .uuid }
    public static var postgresArrayDataType: PostgresDataType { .uuidArray }
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) {
        PostgresBinary.append(Int32(16), to: &buffer)
        PostgresBinary.append(self, to: &buffer)
    }
}

extension Date: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .timestamptz }
    public static var postgresArrayDataType: PostgresDataType { .timestamptzArray }
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) {
        PostgresBinary.appendElement(PostgresBinary.microseconds(self), to: &buffer)
    }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { Wrapped.postgresElementDataType }
    public static var postgresArrayDataType: PostgresDataType { Wrapped.postgresArrayDataType }
    /// nil is a NULL element.
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) {
        if let self {
            self.appendPostgresArrayElement(to: &buffer)
        } else {
            PostgresBinary.append(Int32(-1), to: &buffer)
        }
    }
}

extension UInt8: PostgresArrayElement {
    public static var postgresElementDataType: PostgresDataType { .unknown }
    public static var postgresArrayDataType: PostgresDataType { .bytea }
    public func appendPostgresArrayElement(to buffer: inout [UInt8]) { buffer.append(self) }
    /// `[UInt8]` is bytea: the bytes themselves, binary.
    public static func postgresArrayValue(_ elements: [UInt8]) -> PostgresValue { .binary(elements) }
}
