@testable import EDMEvents
import Testing

/// The fast paths' string scan reads eight bytes at a time where it can; it must stop and
/// classify exactly where a byte-by-byte scan would.
@Suite("JSON string scan on bytes")
struct JSONBytesTests {
    /// The byte-by-byte reference: the string's end, scalar count and ASCII-ness, or nil.
    func reference(_ bytes: [UInt8]) -> (end: Int, scalars: Int, isASCII: Bool)? {
        guard bytes.first == UInt8(ascii: "\"") else { return nil }
        var continuation = 0
        var isASCII = true
        for position in 1..<bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { return (position + 1, position - 1 - continuation, isASCII) }
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") { return nil }
            if byte >= 0x80 {
                isASCII = false
                if byte & 0xC0 == 0x80 { continuation += 1 }
            }
        }
        return nil
    }

    func scanned(_ bytes: [UInt8]) -> (end: Int, scalars: Int, isASCII: Bool)? {
        bytes.withUnsafeBufferPointer { buffer in
            JSONBytes(buffer: buffer).text(at: 0).map { ($0.end, $0.text.scalars, $0.text.isASCII) }
        }
    }

    @Test("every byte value at every position of a word agrees with the byte-by-byte scan")
    func everyByteEverywhere() {
        for length in [7, 8, 9, 15, 16, 17, 24, 31] {
            for position in 0..<length {
                for value in 0...255 {
                    var content = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    content[position] = UInt8(value)
                    let bytes = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\""), UInt8(ascii: ",")]
                    let expected = reference(bytes)
                    let actual = scanned(bytes)
                    #expect(actual?.end == expected?.end && actual?.scalars == expected?.scalars
                        && actual?.isASCII == expected?.isASCII, "length \(length), byte \(value) at \(position)")
                }
            }
        }
    }

    @Test("unterminated strings and strings ending at the buffer's end")
    func edges() {
        for length in 0..<20 {
            let content = [UInt8](repeating: UInt8(ascii: "b"), count: length)
            #expect(scanned([UInt8(ascii: "\"")] + content) == nil)
            #expect(scanned([UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")])?.end == length + 2)
        }
    }
}
