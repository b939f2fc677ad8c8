/// The string checks of registered schemas: control characters never, plus the `format`.
/// `date-time` and `uuid` are the built-in types' own checks (``TextFormat``); `email` and
/// `uri` are deliberately shallow (one `@` with text around it and a dot in the domain; an
/// RFC 3986 scheme followed by `:` and no whitespace), as JSON Schema validators commonly are.
enum StringFormatCheck {
    static func problem(_ text: String, format: StringFormat?) -> String? {
        // Fast path: ASCII without control characters is the usual case.
        var ascii = true
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return "must not contain control characters" }
            if byte >= 0x80 { ascii = false }
        }
        if !ascii, text.unicodeScalars.contains(where: { $0.value == 0x7F || $0.value < 0x20 }) {
            return "must not contain control characters"
        }
        guard let format else { return nil }
        switch format {
        case .dateTime: return TextFormat.timestamp.problem(with: text)
        case .uuid: return TextFormat.uuid.problem(with: text)
        case .email: return isEmail(text) ? nil : "must be an email address like name@example.com"
        case .uri: return isURI(text) ? nil : "must be an absolute URI like https://example.com/path"
        }
    }

    private static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, domain.count >= 3,
            domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".")
        else { return false }
        return !text.unicodeScalars.contains { $0 == " " }
    }

    private static func isURI(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon < bytes.count - 1 else { return false }
        let scheme = bytes[..<colon]
        guard let first = scheme.first, (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) else { return false }
        let schemeOK = scheme.allSatisfy {
            (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D
                || $0 == 0x2E
        }
        return schemeOK && !bytes.contains(0x20)
    }
}
