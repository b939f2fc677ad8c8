import Foundation

/// A JSON string found in a buffer: its bytes between the quotes (no escapes, no control
/// characters), how many Unicode scalars it holds, and whether it is ASCII.
struct ByteText {
    let range: Range<Int>
    let scalars: Int
    let isASCII: Bool
}

/// The byte-level fast paths' shared reading of JSON strings (``CanonicalEnvelopeDecoder``,
/// the relay's request encoder): finding them in a buffer and checking them against the
/// `RuleChecker`'s string rules without making a `String`. Every check answers false or nil
/// on anything unusual; the general path then decides.
struct JSONBytes {
    let buffer: UnsafeBufferPointer<UInt8>

    var count: Int { buffer.count }

    subscript(position: Int) -> UInt8 { buffer[position] }

    /// The string whose opening quote is at `start`, and the index after its closing quote;
    /// nil for anything but a plain string (escapes, control characters, DEL, unterminated).
    func text(at start: Int) -> (text: ByteText, end: Int)? {
        guard start < buffer.count, buffer[start] == UInt8(ascii: "\"") else { return nil }
        var position = start + 1
        var continuationBytes = 0
        var isASCII = true
        // Eight bytes at a time while none of them is a quote, a backslash, a control
        // character, DEL or non-ASCII; the loop below looks at the word that has one.
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            while position + 8 <= buffer.count, Self.isPlainASCII(raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)) {
                position += 8
            }
        }
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                let range = (start + 1)..<position
                return (ByteText(range: range, scalars: range.count - continuationBytes, isASCII: isASCII), position + 1)
            }
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") { return nil }
            if byte >= 0x80 {
                isASCII = false
                if byte & 0xC0 == 0x80 { continuationBytes += 1 }
            }
            position += 1
        }
        return nil
    }

    /// True when none of the word's eight bytes is `"`, `\\`, below 0x20 or at least 0x7F
    /// (the classic "has a zero byte" bit tricks, on the bytes XORed with each stop byte).
    @inline(__always)
    static func isPlainASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let quote = hasZero(word ^ (ones &* 0x22))
        let backslash = hasZero(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highs  // some byte < 0x20 (exact while all < 0x80)
        let high = (word &+ ones &* 0x01) & highs | word & highs  // some byte >= 0x7F
        return quote | backslash | control | high == 0
    }

    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[range])
    }

    /// The text as a `String`; nil when it is not well-formed UTF-8 (overlong forms,
    /// surrogates, above U+10FFFF: what the general parser rejects as malformed JSON).
    func string(_ text: ByteText) -> String? {
        if text.isASCII { return String(decoding: slice(text.range), as: UTF8.self) }
        return String(validating: slice(text.range), as: UTF8.self)
    }

    func isWellFormed(_ text: ByteText) -> Bool {
        text.isASCII || String(validating: slice(text.range), as: UTF8.self) != nil
    }

    func equals(_ text: ByteText, _ name: String) -> Bool {
        guard text.isASCII, text.range.count == name.utf8.count else { return false }
        // Names are literals and registered constants: contiguous, so one memcmp.
        if let equal = name.utf8.withContiguousStorageIfAvailable({ utf8 in
            utf8.isEmpty || memcmp(utf8.baseAddress!, buffer.baseAddress! + text.range.lowerBound, utf8.count) == 0
        }) {
            return equal
        }
        return name.utf8.elementsEqual(slice(text.range))
    }

    /// Byte order of two texts (the canonical key order).
    func precedes(_ first: ByteText, _ second: ByteText) -> Bool {
        slice(first.range).lexicographicallyPrecedes(slice(second.range))
    }

    /// 8-4-4-4-12 hex digits, either case (``TextFormat/uuid``).
    func uuid(_ text: ByteText) -> UUID? {
        guard text.range.count == 36 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &raw) { out -> Bool in
            var position = text.range.lowerBound
            for byteIndex in 0..<16 {
                if byteIndex == 4 || byteIndex == 6 || byteIndex == 8 || byteIndex == 10 {
                    guard buffer[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = Self.hexValue(buffer[position]), let low = Self.hexValue(buffer[position + 1])
                else { return false }
                out[byteIndex] = high << 4 | low
                position += 2
            }
            return true
        }
        return valid ? UUID(uuid: raw) : nil
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        let digit = byte &- 0x30
        if digit < 10 { return digit }
        let letter = (byte | 0x20) &- 0x61  // A-F and a-f alike
        return letter < 6 ? letter + 10 : nil
    }

    /// Milliseconds since 1970 of an RFC 3339 timestamp (``TextFormat/timestamp``).
    func timestamp(_ text: ByteText) -> Int64? {
        guard text.isASCII else { return nil }
        return EventTimestamp.milliseconds(fromUTF8: slice(text.range))
    }

    /// The checks of `RuleChecker` for a string value, on its bytes.
    func accepts(_ text: ByteText, _ rule: ValueRule) -> Bool {
        switch rule {
        case .text(let textRule):
            guard textRule.length.contains(text.scalars) else { return false }
            switch textRule.format {
            case .plain:
                return true  // control characters never reach here (see `text(at:)`)
            case .httpURL:
                return isHTTPURL(text)
            case .uuid:
                return uuid(text) != nil
            case .timestamp:
                return timestamp(text) != nil
            }
        case .oneOf(let allowed):
            guard let value = string(text) else { return false }
            return allowed.contains(value)
        case .constant(let expected):
            return string(text) == expected
        case .integer, .boolean, .object, .anyObject:
            return false
        }
    }

    func isHTTPURL(_ text: ByteText) -> Bool {
        // No whitespace (control characters are already excluded).
        for position in text.range where buffer[position] == 0x20 { return false }
        var head: [UInt8] = []
        for position in text.range.prefix(8) {
            let byte = buffer[position]
            head.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        let scheme = head.starts(with: "https://".utf8) ? 8 : head.starts(with: "http://".utf8) ? 7 : 0
        return scheme > 0 && text.range.count > scheme
    }
}
