import Foundation

extension UUID {
    /// Appends the id's lowercase text form (what `uuidString.lowercased()` gives) to JSON
    /// being written byte by byte, without building two Strings per id on the hot paths.
    public func appendLowercase(to output: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        withUnsafeBytes(of: uuid) { raw in
            digits.withUTF8Buffer { hex in
                for (position, byte) in raw.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 { output.append(UInt8(ascii: "-")) }
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 0x0F)])
                }
            }
        }
    }
}
