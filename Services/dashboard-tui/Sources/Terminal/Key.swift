/// A key press, as far as the dashboard cares.
public enum Key: Sendable, Hashable {
    case character(Character)
    case escape
    case enter
    /// Ctrl-C, Ctrl-D: quit even though raw mode turned off their signals.
    case interrupt
    case up, down, left, right
    case unknown

    /// Splits bytes read from a raw-mode terminal into keys. Escape sequences (arrows and the
    /// like) are recognised when complete in `bytes`; a lone ESC is the Escape key.
    public static func decode(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x1B:
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "[") || bytes[index + 1] == UInt8(ascii: "O") {
                    switch bytes[index + 2] {
                    case UInt8(ascii: "A"): keys.append(.up)
                    case UInt8(ascii: "B"): keys.append(.down)
                    case UInt8(ascii: "C"): keys.append(.right)
                    case UInt8(ascii: "D"): keys.append(.left)
                    default: keys.append(.unknown)
                    }
                    // Skip the rest of a longer CSI sequence (parameters end at a final byte 0x40-0x7E).
                    var end = index + 2
                    while end < bytes.count, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
                    index = end + 1
                    continue
                }
                keys.append(.escape)
            case 0x03, 0x04:
                keys.append(.interrupt)
            case 0x0D, 0x0A:
                keys.append(.enter)
            case 0x20..<0x7F:
                keys.append(.character(Character(Unicode.Scalar(byte))))
            default:
                keys.append(.unknown)
            }
            index += 1
        }
        return keys
    }
}
