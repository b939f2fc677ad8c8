/// A W3C Trace Context `traceparent` value (version 00): which trace an event belongs to and
/// which span caused it. Parsed strictly per the W3C recommendation, so a malformed header from
/// a client is refused here (and the caller starts a new trace) instead of being propagated.
public struct TraceParent: Sendable, Hashable {
    /// The trace id: 16 bytes, never all zero.
    public var traceIDHigh: UInt64
    public var traceIDLow: UInt64
    /// The parent (span) id: 8 bytes, never zero.
    public var spanID: UInt64
    /// Trace flags; bit 0 is "sampled".
    public var flags: UInt8

    public init(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, flags: UInt8) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.flags = flags
    }

    /// Parses a header value; nil when it breaks the W3C rules (wrong length or separators,
    /// upper-case or non-hex digits, version ff, an all-zero trace or parent id, or a version 00
    /// value with trailing data). Values of a later version are read by their version 00 prefix,
    /// as the recommendation asks.
    public init?(header: some StringProtocol) {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"),
            bytes[52] == UInt8(ascii: "-"),
            let version = Self.hex(bytes[0..<2]), version != 0xFF,
            let high = Self.hex(bytes[3..<19]), let low = Self.hex(bytes[19..<35]),
            let span = Self.hex(bytes[36..<52]), let flags = Self.hex(bytes[53..<55])
        else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 {
            guard bytes[55] == UInt8(ascii: "-") else { return nil }
        }
        guard high != 0 || low != 0, span != 0 else { return nil }
        self.init(traceIDHigh: high, traceIDLow: low, spanID: span, flags: UInt8(flags))
    }

    /// The header value, always version 00.
    public var header: String { String(decoding: headerBytes, as: UTF8.self) }

    /// The header value as bytes (a Kafka header value, without a String in between).
    public var headerBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(55)
        out.append(contentsOf: "00-".utf8)
        Self.appendHex(traceIDHigh, digits: 16, to: &out)
        Self.appendHex(traceIDLow, digits: 16, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendHex(spanID, digits: 16, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendHex(UInt64(flags), digits: 2, to: &out)
        return out
    }

    /// The trace id as 32 lower-case hex digits (what OTLP and the logs show).
    public var traceID: String {
        var out = [UInt8]()
        out.reserveCapacity(32)
        Self.appendHex(traceIDHigh, digits: 16, to: &out)
        Self.appendHex(traceIDLow, digits: 16, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The parent id as 16 lower-case hex digits.
    public var spanIDString: String {
        var out = [UInt8]()
        out.reserveCapacity(16)
        Self.appendHex(spanID, digits: 16, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public var isSampled: Bool { flags & 1 == 1 }

    /// The same trace with another parent id: the context a hop passes on for its own span.
    public func child(spanID: UInt64) -> TraceParent {
        TraceParent(traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: spanID == 0 ? 1 : spanID, flags: flags)
    }

    /// A new trace (random ids, sampled: a service that records spans may continue it).
    public static func newTrace<G: RandomNumberGenerator>(using generator: inout G) -> TraceParent {
        var high: UInt64 = 0
        var low: UInt64 = 0
        while high == 0 && low == 0 {
            high = generator.next()
            low = generator.next()
        }
        var span: UInt64 = 0
        while span == 0 { span = generator.next() }
        return TraceParent(traceIDHigh: high, traceIDLow: low, spanID: span, flags: 1)
    }

    public static func newTrace() -> TraceParent {
        var generator = SystemRandomNumberGenerator()
        return newTrace(using: &generator)
    }

    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    private static func appendHex(_ value: UInt64, digits: Int, to out: inout [UInt8]) {
        let alphabet: StaticString = "0123456789abcdef"
        alphabet.withUTF8Buffer { table in
            for index in stride(from: digits - 1, through: 0, by: -1) {
                out.append(table[Int((value >> (UInt64(index) * 4)) & 0xF)])
            }
        }
    }
}

/// Checks a `tracestate` value against the W3C limits a relay can check cheaply (printable
/// ASCII, at most 512 characters, at most 32 list members); nil when it breaks them, in which
/// case it is dropped rather than forwarded.
public enum TraceState {
    public static func validated(_ value: some StringProtocol) -> String? {
        let trimmed = value.utf8
        guard !trimmed.isEmpty, trimmed.count <= 512,
            trimmed.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }),
            value.split(separator: ",").count <= 32
        else { return nil }
        return String(value)
    }
}
