import Foundation

/// A reader's place in the event log: for each topic-partition, the next offset to read. The
/// same value names "how far stats has counted" and "where a stream client resumes", and it
/// names Kafka positions, not any instance's state, so it means the same on every instance.
///
/// Wire form (opaque to clients, documented for tooling): `c1.` followed by base64url (no
/// padding) of a compact binary encoding: per topic its UTF-8 name and its partitions, each a
/// partition number and a next offset, all as unsigned LEB128 varints, topics and partitions in
/// ascending order so equal cursors have equal strings.
public struct StreamCursor: Sendable, Hashable, CustomStringConvertible {
    /// Next offset per partition, per topic (as named on the cluster, prefix included).
    public private(set) var positions: [String: [Int32: Int64]]

    public init(positions: [String: [Int32: Int64]] = [:]) {
        self.positions = positions.filter { !$0.value.isEmpty }
    }

    public static let versionPrefix = "c1."
    /// Longest accepted string: a cursor for a few hundred partitions fits easily.
    public static let maxEncodedLength = 16_384

    public func nextOffset(topic: String, partition: Int32) -> Int64? { positions[topic]?[partition] }

    /// Moves a partition's position (never needed backwards by readers; set as told).
    public mutating func set(topic: String, partition: Int32, nextOffset: Int64) {
        positions[topic, default: [:]][partition] = nextOffset
    }

    public var description: String { encoded }

    public var encoded: String {
        var bytes: [UInt8] = []
        Self.appendVarint(UInt64(positions.count), to: &bytes)
        for topic in positions.keys.sorted() {
            let name = Array(topic.utf8)
            Self.appendVarint(UInt64(name.count), to: &bytes)
            bytes += name
            let partitions = positions[topic] ?? [:]
            Self.appendVarint(UInt64(partitions.count), to: &bytes)
            for partition in partitions.keys.sorted() {
                Self.appendVarint(UInt64(UInt32(bitPattern: partition)), to: &bytes)
                Self.appendVarint(UInt64(bitPattern: partitions[partition] ?? 0), to: &bytes)
            }
        }
        return Self.versionPrefix + Self.base64URL(bytes)
    }

    /// Parses a cursor string; the error says precisely what is wrong with it.
    public init(parsing text: String) throws(StreamCursorError) {
        guard text.utf8.count <= Self.maxEncodedLength else { throw .tooLong(limit: Self.maxEncodedLength) }
        guard text.hasPrefix(Self.versionPrefix) else {
            if let dot = text.firstIndex(of: "."), text[..<dot].first == "c" {
                throw .unsupportedVersion(String(text[..<dot]))
            }
            throw .notACursor
        }
        guard let bytes = Self.decodeBase64URL(text.dropFirst(Self.versionPrefix.count)) else { throw .notBase64URL }
        var reader = ByteReader(bytes: bytes)
        var positions: [String: [Int32: Int64]] = [:]
        let topicCount = try reader.varint()
        for _ in 0..<topicCount {
            let length = try reader.varint()
            guard length > 0, length <= 249 else { throw .malformed("a topic name of \(length) bytes") }
            guard let name = String(validating: try reader.bytes(Int(length)), as: UTF8.self) else {
                throw .malformed("a topic name that is not UTF-8")
            }
            guard positions[name] == nil else { throw .malformed("topic \(name) twice") }
            let partitionCount = try reader.varint()
            var partitions: [Int32: Int64] = [:]
            for _ in 0..<partitionCount {
                let partition = try reader.varint()
                let offset = try reader.varint()
                guard partition <= UInt64(Int32.max) else { throw .malformed("partition \(partition) of \(name)") }
                guard offset <= UInt64(Int64.max) else { throw .malformed("an offset beyond Int64 in \(name)") }
                guard partitions[Int32(partition)] == nil else { throw .malformed("partition \(partition) of \(name) twice") }
                partitions[Int32(partition)] = Int64(offset)
            }
            positions[name] = partitions
        }
        guard reader.atEnd else { throw .malformed("\(reader.remaining) bytes after the last topic") }
        self.init(positions: positions)
    }

    // MARK: Encoding pieces

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isBase64URL($0) }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let remainder = standard.utf8.count % 4
        guard remainder != 1 else { return nil }
        if remainder > 0 { standard += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: standard).map(Array.init)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}

/// Why a string is not a cursor this build understands.
public enum StreamCursorError: Error, Sendable, Hashable, CustomStringConvertible {
    case notACursor
    case unsupportedVersion(String)
    case notBase64URL
    case tooLong(limit: Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .notACursor: "not a cursor: cursors start with \(StreamCursor.versionPrefix)"
        case .unsupportedVersion(let version): "cursor version \(version) is not understood by this server"
        case .notBase64URL: "not a cursor: after \(StreamCursor.versionPrefix) comes base64url without padding"
        case .tooLong(let limit): "a cursor is at most \(limit) characters"
        case .malformed(let what): "malformed cursor: \(what)"
        }
    }
}

/// Reads varints and byte runs, throwing instead of reading past the end.
private struct ByteReader {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }
    var remaining: Int { bytes.count - index }

    mutating func varint() throws(StreamCursorError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count else { throw .malformed("it ends inside a number") }
            let byte = bytes[index]
            index += 1
            guard shift < 64, !(shift == 63 && byte > 1) else { throw .malformed("a number beyond 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func bytes(_ count: Int) throws(StreamCursorError) -> ArraySlice<UInt8> {
        guard count <= remaining else { throw .malformed("it ends inside a topic name") }
        defer { index += count }
        return bytes[index..<(index + count)]
    }
}
