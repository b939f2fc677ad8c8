import Foundation

/// PostgreSQL's binary wire format: big-endian integers, timestamps as microseconds since
/// 2000-01-01 UTC, uuids as their 16 bytes. Shared by parameters, arrays, COPY and results.
enum PostgresBinary {
    /// Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's binary timestamp epoch.
    static let epochOffsetSeconds: Int64 = 946_684_800

    static func append<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Microseconds since 2000-01-01, rounded like the text format (timestamptz's precision).
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) - epochOffsetSeconds * 1_000_000
    }

    static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds + epochOffsetSeconds * 1_000_000) / 1_000_000)
    }

    static func append(_ uuid: UUID, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: uuid.uuid) { buffer.append(contentsOf: $0) }
    }

    /// A big-endian integer of exactly `T`'s size, or nil when `bytes` has another length.
    static func integer<T: FixedWidthInteger>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) -> T? {
        guard bytes.count == MemoryLayout<T>.size else { return nil }
        return T(bigEndian: bytes.loadUnaligned(as: T.self))
    }
}
