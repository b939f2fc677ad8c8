import EDMCore
import Foundation

/// RFC 3339 timestamps at millisecond precision, the only date format on the wire.
///
/// Written by hand rather than with `ISO8601DateFormatter` because that class is neither
/// `Sendable` nor strict, and because the millisecond arithmetic has to be exact: an event that
/// is encoded and decoded again must compare equal.
///
/// - Output is always UTC with exactly three fraction digits: `2024-05-01T12:00:00.123Z`.
/// - Input accepts any RFC 3339 `date-time` (`T`/`t`, `Z`/`z` or a `±HH:MM` offset, 1–9 fraction
///   digits) except leap seconds (`:60`), which `Date` cannot hold.
/// - Finer precision is rounded to the nearest millisecond (half up), for strings and `Date`s
///   alike. Rounding rather than truncating because a `Date`'s fraction is binary:
///   `Date(timeIntervalSince1970: 1714564800.123)` lies a hair below .123 and would truncate to .122.
public enum EventTimestamp {
    /// Earliest and latest instants the wire format can express (years 0000 and 9999).
    static let minimumMilliseconds: Int64 = -62_167_219_200_000
    static let maximumMilliseconds: Int64 = 253_402_300_799_999

    /// Formats `date` (rounded to the millisecond; clamped to years 0000–9999).
    public static func string(from date: Date) -> String {
        string(fromMilliseconds: milliseconds(from: date))
    }

    /// Parses an RFC 3339 `date-time`; nil when the text is not one.
    public static func date(from text: String) -> Date? {
        milliseconds(from: text).map(date(fromMilliseconds:))
    }

    /// `date` rounded to whole milliseconds, the precision every envelope holds.
    public static func rounded(_ date: Date) -> Date {
        self.date(fromMilliseconds: milliseconds(from: date))
    }

    /// Milliseconds since 1970 (the legacy `event_timestamp` unit), rounded and clamped.
    ///
    /// Computed from `timeIntervalSinceReferenceDate`, the `Double` a `Date` actually stores, so
    /// `milliseconds(from: date(fromMilliseconds: m)) == m` holds exactly.
    public static func milliseconds(from date: Date) -> Int64 {
        let scaled = (date.timeIntervalSinceReferenceDate * 1000).rounded(.toNearestOrAwayFromZero)
        guard scaled.isFinite else { return scaled > 0 ? maximumMilliseconds : minimumMilliseconds }
        guard scaled > Double(minimumMilliseconds - referenceOffset) else { return minimumMilliseconds }
        guard scaled < Double(maximumMilliseconds - referenceOffset) else { return maximumMilliseconds }
        return Int64(scaled) + referenceOffset
    }

    public static func date(fromMilliseconds milliseconds: Int64) -> Date {
        let clamped = min(max(milliseconds, minimumMilliseconds), maximumMilliseconds)
        return Date(timeIntervalSinceReferenceDate: Double(clamped - referenceOffset) / 1000)
    }

    /// 2001-01-01 (Foundation's reference date) in milliseconds since 1970.
    private static let referenceOffset: Int64 = 978_307_200_000

    static func string(fromMilliseconds value: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(milliseconds: value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the canonical form of `value` (clamped to years 0000–9999, so always 24 bytes)
    /// to `output`, for encoders that write bytes rather than strings.
    static func append(milliseconds value: Int64, to output: inout [UInt8]) {
        let clamped = min(max(value, minimumMilliseconds), maximumMilliseconds)
        let (days, millisOfDay) = CivilDate.floorDivide(clamped, 86_400_000)
        let (year, month, day) = CivilDate.date(fromDays: days)
        func digits(_ number: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                output.append(UInt8(ascii: "0") + UInt8(number / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        output.append(UInt8(ascii: "-"))
        digits(month, 2)
        output.append(UInt8(ascii: "-"))
        digits(day, 2)
        output.append(UInt8(ascii: "T"))
        digits(millisOfDay / 3_600_000, 2)
        output.append(UInt8(ascii: ":"))
        digits(millisOfDay / 60_000 % 60, 2)
        output.append(UInt8(ascii: ":"))
        digits(millisOfDay / 1000 % 60, 2)
        output.append(UInt8(ascii: "."))
        digits(millisOfDay % 1000, 3)
        output.append(UInt8(ascii: "Z"))
    }

    /// The parser behind ``date(from:)``; also used by the validator, so what it accepts is what
    /// the JSON Schema pattern in `TextFormat.timestamp` describes (plus calendar validity).
    static func milliseconds(from text: String) -> Int64? {
        var text = text
        return text.withUTF8 { milliseconds(fromUTF8: $0) }
    }

    /// ``milliseconds(from:)`` on UTF-8 bytes, for decoders that have not made a `String`.
    static func milliseconds(fromUTF8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 20, bytes.count <= 35 else { return nil }
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += width
            return value
        }
        /// Consumes `accepted` or `alternative` (the lowercase `t` and `z`).
        func expect(_ accepted: Unicode.Scalar, or alternative: Unicode.Scalar? = nil) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            guard byte == UInt8(ascii: accepted) || alternative.map({ byte == UInt8(ascii: $0) }) == true else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"),
            let day = number(2), expect("T", or: "t"), let hour = number(2), expect(":"),
            let minute = number(2), expect(":"), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var millis: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            var roundUp = false
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int64(bytes[index] - 0x30) }
                if digits == 3 { roundUp = bytes[index] >= UInt8(ascii: "5") }
                digits += 1
                index += 1
            }
            guard (1...9).contains(digits) else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
            if roundUp { millis += 1 }  // may reach 1000: carried by the addition below
        }
        var offsetMinutes: Int64 = 0
        if expect("Z", or: "z") {
            // UTC
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHour = number(2), expect(":"), let offsetMinute = number(2),
                offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = CivilDate.days(fromYear: year, month: month, day: day)
        let local = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
        return local - offsetMinutes * 60_000
    }
}
