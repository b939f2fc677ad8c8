import EDMCore
import Foundation

/// Formats and parses timestamps by hand: no locale, no shared formatter (DateFormatter is not
/// Sendable), and microsecond precision to match timestamptz.
enum PostgresTimestamp {
    /// `2024-05-06T07:08:09.123456Z` (or PostgreSQL's `... BC` form before year 1).
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (days, microOfDay) = CivilDate.floorDivide(micros, 86_400_000_000)
        let (year, month, day) = CivilDate.date(fromDays: days)
        let second = microOfDay / 1_000_000
        let fraction = microOfDay % 1_000_000
        let time =
            "\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2)).\(pad(fraction, 6))"
        if year <= 0 {
            return "\(pad(1 - year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(time)+00 BC"
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(time)Z"
    }

    enum Kind {
        case timestamptz, timestamp, date
    }

    /// Parses PostgreSQL's ISO output (`DateStyle = ISO`, which the connection ensures):
    /// `2024-05-06 07:08:09.123456+02`, `+05:30`, no offset for timestamp, date only for date.
    /// `infinity` maps to `Date.distantFuture`, `-infinity` to `Date.distantPast`.
    static func parse(_ text: String, as kind: Kind) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var scanner = ByteScanner(text)
        guard let year = scanner.number(minDigits: 4), scanner.take("-"),
            let month = scanner.number(digits: 2), scanner.take("-"),
            let day = scanner.number(digits: 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var microOfDay: Int64 = 0
        var offsetSeconds: Int64 = 0
        if kind != .date {
            guard scanner.take(" ") || scanner.take("T"),
                let hour = scanner.number(digits: 2), scanner.take(":"),
                let minute = scanner.number(digits: 2), scanner.take(":"),
                let second = scanner.number(digits: 2), hour <= 24, minute < 60, second < 61
            else { return nil }
            var fraction: Int64 = 0
            if scanner.take(".") {
                var scale: Int64 = 100_000
                var digits = 0
                while let digit = scanner.digit() {
                    fraction += digit * scale
                    scale /= 10
                    digits += 1
                }
                guard digits > 0, digits <= 6 else { return nil }
            }
            microOfDay = ((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction
            if kind == .timestamptz {
                let sign: Int64
                if scanner.take("+") {
                    sign = 1
                } else if scanner.take("-") {
                    sign = -1
                } else if scanner.take("Z") {
                    sign = 0
                } else {
                    return nil
                }
                if sign != 0 {
                    guard let hours = scanner.number(digits: 2) else { return nil }
                    var seconds = hours * 3600
                    if scanner.take(":") {
                        guard let minutes = scanner.number(digits: 2) else { return nil }
                        seconds += minutes * 60
                        if scanner.take(":") {
                            guard let secs = scanner.number(digits: 2) else { return nil }
                            seconds += secs
                        }
                    }
                    offsetSeconds = sign * seconds
                }
            }
        }
        var civilYear = year
        if scanner.take(" BC") { civilYear = 1 - year }
        guard scanner.atEnd else { return nil }
        let days = CivilDate.days(fromYear: civilYear, month: month, day: day)
        let micros = days * 86_400_000_000 + microOfDay - offsetSeconds * 1_000_000
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A tiny cursor over ASCII bytes for the timestamp parser.
struct ByteScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ literal: String) -> Bool {
        let literalBytes = Array(literal.utf8)
        guard bytes.count - index >= literalBytes.count,
            bytes[index..<index + literalBytes.count].elementsEqual(literalBytes)
        else { return false }
        index += literalBytes.count
        return true
    }

    mutating func digit() -> Int64? {
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9")
        else { return nil }
        defer { index += 1 }
        return Int64(bytes[index] - UInt8(ascii: "0"))
    }

    /// Exactly `digits` digits.
    mutating func number(digits: Int) -> Int64? {
        let start = index
        var value: Int64 = 0
        for _ in 0..<digits {
            guard let digit = digit() else {
                index = start
                return nil
            }
            value = value * 10 + digit
        }
        return value
    }

    /// At least `minDigits` digits, as many as present (years can exceed 9999).
    mutating func number(minDigits: Int) -> Int64? {
        let start = index
        var value: Int64 = 0
        var count = 0
        while count < 9, let digit = digit() {
            value = value * 10 + digit
            count += 1
        }
        guard count >= minDigits else {
            index = start
            return nil
        }
        return value
    }
}
