/// String formats, each defined twice side by side: as a Swift check (what the relay enforces)
/// and as JSON Schema keywords (what the published schema says). Keeping both in this one file is
/// what keeps them equal; `SchemaCrossCheckTests` runs an independent validator to prove it.
///
/// Every format rejects control characters (U+0000–U+001F, U+007F): they have no place in ids,
/// URLs or descriptions and would let a client forge lines in logs and in the live message log.
public enum TextFormat: String, Sendable, Hashable {
    /// Any text without control characters.
    case plain
    /// An absolute `http`/`https` URL (scheme case-insensitive) with no whitespace.
    case httpURL
    /// A UUID in 8-4-4-4-12 hex form, either case.
    case uuid
    /// An RFC 3339 `date-time`; see ``EventTimestamp``.
    case timestamp

    /// Unicode scalar ranges that must not occur anywhere in the string.
    var forbiddenScalars: [ClosedRange<UInt32>] {
        switch self {
        case .httpURL: [0x00...0x20, 0x7F...0x7F]
        case .plain, .uuid, .timestamp: [0x00...0x1F, 0x7F...0x7F]
        }
    }

    /// nil when `text` (already length-checked) has this format, else what is wrong.
    func problem(with text: String) -> String? {
        if text.unicodeScalars.contains(where: { scalar in
            forbiddenScalars.contains { $0.contains(scalar.value) }
        }) {
            return self == .httpURL
                ? "must not contain whitespace or control characters"
                : "must not contain control characters"
        }
        switch self {
        case .plain:
            return nil
        case .httpURL:
            // ASCII-only case folding: `lowercased()` would map some non-ASCII letters too.
            let head = text.utf8.prefix(8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            let scheme = head.starts(with: "https://".utf8) ? 8 : head.starts(with: "http://".utf8) ? 7 : 0
            return scheme > 0 && text.utf8.count > scheme ? nil : expectation
        case .uuid:
            return Self.isUUID(text) ? nil : expectation
        case .timestamp:
            return EventTimestamp.milliseconds(from: text) != nil ? nil : expectation
        }
    }

    /// The message for a value that does not have the format.
    var expectation: String {
        switch self {
        case .plain: "must not contain control characters"
        case .httpURL: "must be an absolute http or https URL"
        case .uuid: "must be a UUID like 3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f"
        case .timestamp: "must be an RFC 3339 timestamp like 2024-05-01T12:00:00.000Z"
        }
    }

    /// JSON Schema keywords for this format (besides `type` and the length keywords).
    ///
    /// Forbidden characters are expressed as `not: {pattern: "[...]"}` because an anchored
    /// `^[^...]*$` is not portable: Python's `$` also matches before a trailing newline.
    var schemaKeywords: [String: JSONValue] {
        var keywords: [String: JSONValue] = [
            "not": ["pattern": .string("[" + forbiddenScalars.map(Self.regexRange).joined() + "]")]
        ]
        let hex = "[0-9A-Fa-f]"
        switch self {
        case .plain:
            break
        case .httpURL:
            keywords["pattern"] = "^[Hh][Tt][Tt][Pp][Ss]?://[^\\u0000-\\u0020\\u007f]"
        case .uuid:
            keywords["format"] = "uuid"
            keywords["pattern"] = .string("^\(hex){8}-\(hex){4}-\(hex){4}-\(hex){4}-\(hex){12}$")
        case .timestamp:
            keywords["format"] = "date-time"
            keywords["pattern"] = .string(
                "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]"
                    + ":[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$")
        }
        return keywords
    }

    private static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (position, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(position) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isHex = (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte)
                    || (0x61...0x66).contains(byte)
                guard isHex else { return false }
            }
        }
        return true
    }

    private static func regexRange(_ range: ClosedRange<UInt32>) -> String {
        func escape(_ value: UInt32) -> String {
            let hex = String(value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return range.lowerBound == range.upperBound
            ? escape(range.lowerBound) : escape(range.lowerBound) + "-" + escape(range.upperBound)
    }
}
