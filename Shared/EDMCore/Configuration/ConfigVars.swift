#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only view of config vars (Heroku style). Injected as a value so tests never touch the
/// process environment.
public struct ConfigVars: Sendable {
    public var values: [String: String]

    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The environment of this process.
    public static var process: ConfigVars {
        var values: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let pair = String(cString: entry)
            if let separator = pair.firstIndex(of: "=") {
                values[String(pair[..<separator])] = String(pair[pair.index(after: separator)...])
            }
            cursor += 1
        }
        return ConfigVars(values)
    }

    /// The value, or nil when unset or blank (Heroku config vars cannot be unset to "").
    public subscript(name: String) -> String? {
        guard let value = values[name], !value.trimmingWhitespace.isEmpty else { return nil }
        return value
    }

    public func required(_ name: String) throws(ConfigError) -> String {
        guard let value = self[name] else { throw .missing(variable: name) }
        return value
    }

    public func integer(
        _ name: String, default defaultValue: Int, range: ClosedRange<Int> = Int.min...Int.max
    ) throws(ConfigError) -> Int {
        guard let raw = self[name] else { return defaultValue }
        guard let value = Int(raw.trimmingWhitespace) else {
            throw .invalid(variable: name, reason: "expected an integer, got \(raw.debugDescription)")
        }
        guard range.contains(value) else {
            throw .invalid(
                variable: name,
                reason: "expected a value in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    public func boolean(_ name: String, default defaultValue: Bool) throws(ConfigError) -> Bool {
        guard let raw = self[name] else { return defaultValue }
        switch raw.trimmingWhitespace.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .invalid(variable: name, reason: "expected true or false, got \(raw.debugDescription)")
        }
    }

    /// A comma-separated list with blanks dropped.
    public func list(_ name: String) -> [String] {
        guard let raw = self[name] else { return [] }
        return raw.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }
}

extension String {
    /// Trims ASCII whitespace and newlines without Foundation.
    public var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
            let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
