import Foundation

extension JSONValue {
    /// The nesting depth accepted by default. Events are three levels deep; the limit only has to
    /// leave room for legacy extras while keeping hostile input (`[[[[...`) cheap to reject.
    public static let defaultMaxDepth = 64

    /// Parses one JSON document (RFC 8259) without ever trapping.
    ///
    /// Stricter than Foundation on purpose, because events are the input of every service:
    /// strings must be valid UTF-8 without unpaired surrogate escapes, an object may not repeat a
    /// key (two parsers could otherwise disagree on which value counts), numbers beyond `Double`
    /// range are rejected instead of becoming infinity, and nesting is limited to `maxDepth`.
    /// A leading UTF-8 byte order mark is skipped.
    public static func parse(
        _ data: Data, maxDepth: Int = defaultMaxDepth
    ) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data), maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// Parses a request body whose root may be an array of at most `maxRootArrayElements`
    /// elements: the limit is enforced while parsing, so an oversized batch costs no more than
    /// the elements up to the limit, however many follow.
    public static func parse(
        _ data: Data, maxDepth: Int = defaultMaxDepth, maxRootArrayElements: Int
    ) throws(JSONParseFailure) -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data), maxDepth: maxDepth, rootArrayLimit: maxRootArrayElements)
        do {
            return try parser.parseDocument()
        } catch {
            if parser.rootArrayOverflow { throw .tooManyElements(limit: maxRootArrayElements) }
            throw .syntax(error)
        }
    }

    /// Parses a document held in a string.
    public static func parse(
        _ text: String, maxDepth: Int = defaultMaxDepth
    ) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

/// Recursive descent over bytes. Every read is bounds-checked by `peek`, recursion is bounded by
/// `maxDepth`, so any input ends in a value or a `JSONSyntaxError`.
struct JSONParser {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private let rootArrayLimit: Int
    private var index = 0
    /// Set when parsing stopped because the root array passed `rootArrayLimit`.
    private(set) var rootArrayOverflow = false

    init(bytes: [UInt8], maxDepth: Int, rootArrayLimit: Int = .max) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.rootArrayLimit = rootArrayLimit
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        guard peek() != nil else { throw fail("expected a JSON value, found end of input") }
        let value = try parseValue(depth: 1)
        skipWhitespace()
        if peek() != nil { throw fail("unexpected \(describeCurrent()) after the JSON value") }
        return value
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = peek() else { throw fail("expected a value, found end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw fail("expected a string key, found \(describeCurrent())")
            }
            let keyOffset = index
            let key = try parseString()
            if members[key] != nil {
                throw JSONSyntaxError(offset: keyOffset, reason: "duplicate key \(quoted(key))")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw fail("expected ':' after key \(quoted(key)), found \(describeCurrent())")
            }
            index += 1
            skipWhitespace()
            members[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw fail("expected ',' or '}' in object, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if depth == 1, elements.count == rootArrayLimit {
                rootArrayOverflow = true
                throw fail("more than \(rootArrayLimit) elements")
            }
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw fail("expected ',' or ']' in array, found \(describeCurrent())")
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let start = index
        let expected = literal.withUTF8Buffer { Array($0) }
        for byte in expected {
            guard peek() == byte else {
                throw JSONSyntaxError(offset: start, reason: "invalid literal, expected \(literal)")
            }
            index += 1
        }
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        var isInteger = true
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else {
            throw fail("invalid number: expected a digit, found \(describeCurrent())")
        }
        if first == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let byte = peek(), isDigit(byte) else {
                throw fail("invalid number: expected a digit after '.', found \(describeCurrent())")
            }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek(), isDigit(byte) else {
                throw fail("invalid number: expected a digit in the exponent, found \(describeCurrent())")
            }
            skipDigits()
        }
        let lexeme = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int64(lexeme) { return .integer(value) }
        guard let value = Double(lexeme), value.isFinite else {
            throw JSONSyntaxError(offset: start, reason: "number out of range")
        }
        return .number(value)
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1  // opening quote
        var buffer: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw JSONSyntaxError(offset: start, reason: "unterminated string")
            }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                // Every byte appended was validated UTF-8, so this decodes without replacement.
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0x00..<0x20:
                throw fail("unescaped control character 0x\(hex(byte)) in string")
            case 0x20..<0x80:
                buffer.append(byte)
                index += 1
            default:
                try copyUTF8Sequence(into: &buffer)
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let start = index
        index += 1  // backslash
        guard let byte = peek() else { throw JSONSyntaxError(offset: start, reason: "unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4(escapeStart: start)
            if (0xD800...0xDBFF).contains(scalar) {
                guard peek() == UInt8(ascii: "\\"), peek(at: index + 1) == UInt8(ascii: "u") else {
                    throw JSONSyntaxError(offset: start, reason: "unpaired surrogate in \\u escape")
                }
                let lowStart = index
                index += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONSyntaxError(offset: start, reason: "unpaired surrogate in \\u escape")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONSyntaxError(offset: start, reason: "unpaired surrogate in \\u escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else {
                throw JSONSyntaxError(offset: start, reason: "invalid \\u escape")
            }
            buffer.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            let shown = (0x21..<0x7F).contains(byte) ? "'\\\(Character(Unicode.Scalar(byte)))'" : describe(byte)
            throw JSONSyntaxError(offset: start, reason: "invalid escape \(shown)")
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek() else {
                throw JSONSyntaxError(offset: escapeStart, reason: "truncated \\u escape")
            }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape: \(describeCurrent())")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Copies one multi-byte UTF-8 sequence after checking it is well formed (no overlong forms,
    /// no encoded surrogates, nothing above U+10FFFF), per the table in Unicode 15 §3.9.
    private mutating func copyUTF8Sequence(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let start = index
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw JSONSyntaxError(offset: start, reason: "invalid UTF-8 byte 0x\(hex(lead))")
        }
        for position in 1..<length {
            let range: ClosedRange<UInt8> = position == 1 ? secondRange : 0x80...0xBF
            guard let byte = peek(at: start + position), range.contains(byte) else {
                throw JSONSyntaxError(offset: start, reason: "invalid UTF-8 sequence")
            }
        }
        buffer.append(contentsOf: bytes[start..<(start + length)])
        index = start + length
    }

    // MARK: - Helpers

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func peek(at position: Int) -> UInt8? {
        position >= 0 && position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            index += 1
        }
    }

    private func fail(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, reason: reason)
    }

    private func describeCurrent() -> String {
        guard let byte = peek() else { return "end of input" }
        return describe(byte)
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(byte))"
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    private func quoted(_ text: String) -> String {
        String(decoding: JSONValue.string(text).serialized(), as: UTF8.self)
    }
}
