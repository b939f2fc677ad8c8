import Foundation

/// Number and time formats of the screen, written out by hand so that they are the same in
/// every locale and cheap enough to run for every row of every frame.
public enum Format {
    /// `1234567` -> `1,234,567`.
    public static func count(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        result.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `1234567` -> `1.2M`: for columns too narrow for ``count(_:)``.
    public static func compact(_ value: Int64) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        for (limit, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= limit {
            let scaled = magnitude / limit
            return sign + (scaled >= 100 ? String(Int(scaled)) : String(format: "%.1f", scaled)) + suffix
        }
        return sign + String(value.magnitude)
    }

    /// Events per second: one decimal below 100, none above.
    public static func rate(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) + "/s" : String(format: "%.1f/s", value)
    }

    /// `HH:mm:ss` of `date` in a zone `offsetSeconds` from UTC.
    public static func clock(_ date: Date, offsetSeconds: Int) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offsetSeconds)
        let day = LiveLedger.modulo(seconds, 86_400)
        return two(day / 3600) + ":" + two(day / 60 % 60) + ":" + two(day % 60)
    }

    /// `9m50s`, `2h`, `45s`.
    public static func span(seconds: Int) -> String {
        if seconds >= 3600 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds >= 3600 { return "\(seconds / 3600)h\(seconds / 60 % 60)m" }
        if seconds >= 60 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        if seconds >= 60 { return "\(seconds / 60)m\(seconds % 60)s" }
        return "\(seconds)s"
    }

    private static func two(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
