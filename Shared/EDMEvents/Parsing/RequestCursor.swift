/// A cursor over a `POST /v1/events` body for the one-pass fast paths (built-in types in
/// ``EventParser/encodeRequest(_:receivedAt:maxEvents:deriveID:)``, registered ones in
/// ``RegisteredEventParser/encodeRequest(_:receivedAt:maxEvents:lookup:)``): JSON syntax with
/// whitespace, but only the shapes an event has. Both read the same envelope members; what
/// `properties` may hold differs, so that part is a parameter (generic, so each caller's scan is
/// specialised into the loop, with no existential per event).
struct RequestCursor {
    let bytes: JSONBytes
    var index = 0

    init(bytes: JSONBytes) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` after optional whitespace.
    mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A string without escapes, after optional whitespace.
    mutating func text() -> ByteText? {
        skipWhitespace()
        guard let (text, end) = bytes.text(at: index) else { return nil }
        index = end
        return text
    }

    /// One event object: its envelope members as scanned (values not yet checked), `properties`
    /// read by `Properties`; nil on an unknown or repeated key or a value of another shape.
    mutating func envelope<Properties: RequestPropertiesScan>(_: Properties.Type) -> RequestEnvelope<Properties.Members>? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var envelope = RequestEnvelope<Properties.Members>()
        repeat {
            guard let key = text(), key.isASCII, take(UInt8(ascii: ":")) else { return nil }
            switch key.range.count {
            case 2 where bytes.equals(key, "id"):
                guard envelope.id == nil, let value = text() else { return nil }
                envelope.id = value
            case 4 where bytes.equals(key, "type"):
                guard envelope.type == nil, let value = text() else { return nil }
                envelope.type = value
            case 10 where bytes.equals(key, "occurredAt"):
                guard envelope.occurredAt == nil, let value = text() else { return nil }
                envelope.occurredAt = value
            case 9 where bytes.equals(key, "sessionId"):
                guard envelope.sessionId == nil, let value = text() else { return nil }
                envelope.sessionId = value
            case 10 where bytes.equals(key, "properties"):
                guard envelope.properties == nil, let value = Properties.scan(&self) else { return nil }
                envelope.properties = value
            case 13 where bytes.equals(key, "schemaVersion"):
                // Only the literal 1: `1.0`, `1e0` and other numbers are the general path's.
                skipWhitespace()
                guard !envelope.schemaVersion, index < bytes.count, bytes[index] == UInt8(ascii: "1") else { return nil }
                index += 1
                envelope.schemaVersion = true
            default:
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        return envelope
    }
}

/// How a fast path reads an event's `properties` object at the cursor (the opening brace
/// included); nil for anything it leaves to the general path.
protocol RequestPropertiesScan {
    associatedtype Members
    static func scan(_ cursor: inout RequestCursor) -> Members?
}

/// The members of one request object, as scanned (values not yet checked).
struct RequestEnvelope<Properties> {
    var id: ByteText?
    var type: ByteText?
    var occurredAt: ByteText?
    var sessionId: ByteText?
    var schemaVersion = false
    var properties: Properties?
}
