import Foundation

/// Ids for events that arrive without one on a topic (raw reference-relay payloads written by
/// another Kafka client): derived from the record's position, so stats and stream, and every
/// redelivery of the record, give the event the same id, and readers can deduplicate it.
///
/// A UUIDv8 (RFC 9562 "custom") holding a 128-bit FNV-1a hash of `topic`, `partition` and
/// `offset`: not a security property, only a stable, well-spread name for one position.
public enum RecordEventID {
    public static func make(topic: String, partition: Int32, offset: Int64) -> UUID {
        var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B
        func mix(_ byte: UInt8) {
            hash ^= UInt128(byte)
            hash &*= prime
        }
        for byte in "edm-record\u{0}\(topic)\u{0}\(partition):\(offset)".utf8 { mix(byte) }
        var bytes = (0..<16).map { UInt8(truncatingIfNeeded: hash >> (8 * (15 - $0))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
