import Foundation

/// Event ids derived from what names an event, so that every reader and every retry computes
/// the same id and duplicates can be dropped: a record's position (``RecordEventID``), an
/// Idempotency-Key with the event's place and content (the relay).
///
/// A UUIDv8 (RFC 9562 "custom") holding a 128-bit FNV-1a hash of the namespace and the parts,
/// NUL-separated. Not a security property: only a stable, well-spread name. Never in the form of
/// ``RelayEventID`` (a hash landing there, one in 2^32, has a tag bit flipped), so a derived id
/// is always deduplicated.
public enum DerivedEventID {
    public static func make(namespace: String, _ parts: [String]) -> UUID {
        var hash = FNV128()
        hash.add(namespace)
        for part in parts {
            hash.add(0)
            hash.add(part)
        }
        return hash.uuid
    }

    /// The same hash over raw bytes (a request body's canonical form).
    public static func make(namespace: String, bytes: some Sequence<UInt8>) -> UUID {
        var hash = FNV128()
        hash.add(namespace)
        hash.add(0)
        for byte in bytes { hash.add(byte) }
        return hash.uuid
    }
}

private struct FNV128 {
    private var value: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
    private static let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B

    mutating func add(_ byte: UInt8) {
        value ^= UInt128(byte)
        value &*= Self.prime
    }

    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte) }
    }

    var uuid: UUID {
        DerivedEventID.uuid(hash: (0..<16).map { UInt8(truncatingIfNeeded: value >> (8 * (15 - $0))) })
    }
}

extension DerivedEventID {
    /// The UUIDv8 holding a 16-byte hash: version and variant set, and never the relay-assigned
    /// form (a hash starting with its prefix has a prefix bit flipped).
    static func uuid(hash: [UInt8]) -> UUID {
        var bytes = hash
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        if (bytes[0], bytes[1], bytes[2], bytes[3]) == RelayEventID.tag { bytes[3] ^= 0x01 }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
