import Foundation

/// The ids the relay assigns to events that arrive with neither their own `id` nor an
/// Idempotency-Key: random, and in a form no other id takes, so the id itself says "handed to a
/// producer once". Consumers may rely on such an id never repeating (stats then keeps no dedupe
/// row for it): the relay produces each envelope once, with an idempotent producer, and a
/// consumer's positions stop redelivery.
///
/// Why the id and not an envelope field or a Kafka header: the id travels with the event
/// everywhere, unchanged (old readers accept it as any UUID, so relays and consumers can be
/// upgraded in any order), and the relay can recognise one coming back. A client can only learn
/// such an id from an event already stored (a 202, a 503's `stored` list, stream, stats), so a
/// request carrying one is a resend the relay refuses (it would be counted twice: the original
/// left no dedupe row). Everything else, client ids, ids derived from an Idempotency-Key or a
/// record position, and the plain UUIDv4 of older relays, may repeat and is deduplicated.
///
/// A relay change that could hand the same event to a producer twice (re-sending after
/// replacing a fatal producer in-process, retrying a send itself) must give such events an id
/// of another form (a UUIDv4) from their first send, so consumers remember it.
///
/// Form: a UUIDv8 (RFC 9562) whose first four bytes are `edmr` (`65646d72-`), then 90 random
/// bits. ``DerivedEventID`` never yields this form.
public enum RelayEventID {
    static let tag: (UInt8, UInt8, UInt8, UInt8) = (0x65, 0x64, 0x6D, 0x72)  // "edmr"

    /// A new random relay-assigned id.
    public static func make() -> UUID {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    public static func make(using generator: inout some RandomNumberGenerator) -> UUID {
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = (high.bigEndian, low.bigEndian)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            (raw[0], raw[1], raw[2], raw[3]) = tag
            raw[6] = (raw[6] & 0x0F) | 0x80  // version 8
            raw[8] = (raw[8] & 0x3F) | 0x80  // RFC 9562 variant
            return UUID(uuid: (
                raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
        }
    }

    /// True when `id` has the relay-assigned form.
    @inlinable
    public static func isRelayAssigned(_ id: UUID) -> Bool {
        let bytes = id.uuid
        return bytes.0 == 0x65 && bytes.1 == 0x64 && bytes.2 == 0x6D && bytes.3 == 0x72
            && bytes.6 & 0xF0 == 0x80 && bytes.8 & 0xC0 == 0x80
    }
}
