import Foundation

extension RegisteredEventParser {
    /// The fast path for request bodies of registered types: one event object, or an array of
    /// them, read in one pass over the bytes and written straight to canonical envelopes, the
    /// way ``EventParser/encodeRequest(_:receivedAt:maxEvents:deriveID:)`` does for the built-in
    /// types. It accepts only the usual shape (string, integer and boolean members without
    /// escapes, a flat schema) and only valid events; nil for anything else, which the general
    /// path (``parse(_:as:receivedAt:deriveID:)``) then accepts with the same bytes or refuses
    /// with every violation.
    ///
    /// - Parameter lookup: the compiled current version of an accepted type name (nil: not a
    ///   registered type, or not accepting events).
    public func encodeRequest(
        _ body: Data, receivedAt: Date, maxEvents: Int, lookup: (String) -> CompiledType?
    ) -> [RegisteredEvent]? {
        withoutActuallyEscaping(lookup) { lookup in
            body.withUnsafeBytes { raw -> [RegisteredEvent]? in
                let buffer = raw.bindMemory(to: UInt8.self)
                var encoder = RegisteredRequestEncoder(
                    scanner: RequestCursor(bytes: JSONBytes(buffer: buffer)), parser: self,
                    receivedAt: EventTimestamp.rounded(receivedAt), lookup: lookup)
                return encoder.request(maxEvents: maxEvents)
            }
        }
    }
}

private struct RegisteredRequestEncoder {
    var scanner: RequestCursor
    let parser: RegisteredEventParser
    let receivedAt: Date
    let lookup: (String) -> CompiledType?
    var receivedMilliseconds: Int64 { EventTimestamp.milliseconds(from: receivedAt) }
    /// The last type looked up, so a batch of one type looks it up once.
    var lastType: (name: [UInt8], compiled: CompiledType)?

    mutating func request(maxEvents: Int) -> [RegisteredEvent]? {
        var events: [RegisteredEvent] = []
        if scanner.take(UInt8(ascii: "[")) {
            repeat {
                guard events.count < maxEvents, let event = event() else { return nil }
                events.append(event)
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "]")) else { return nil }
        } else {
            guard let event = event() else { return nil }
            events.append(event)
        }
        scanner.skipWhitespace()
        return scanner.atEnd ? events : nil
    }

    mutating func compiledType(_ text: ByteText) -> CompiledType? {
        let bytes = scanner.bytes
        if let lastType, bytes.slice(text.range).elementsEqual(lastType.name) { return lastType.compiled }
        guard let name = bytes.string(text), let compiled = lookup(name) else { return nil }
        lastType = (Array(name.utf8), compiled)
        return compiled
    }

    mutating func event() -> RegisteredEvent? {
        guard let members = scanner.envelope(FlatProperties.self), let typeText = members.type, let occurredText = members.occurredAt,
            let sessionText = members.sessionId, let properties = members.properties
        else { return nil }
        let bytes = scanner.bytes
        guard let compiled = compiledType(typeText), let fast = compiled.fast,
            let milliseconds = bytes.timestamp(occurredText), (20...35).contains(occurredText.range.count),
            (1...128).contains(sessionText.scalars), bytes.isWellFormed(sessionText)
        else { return nil }
        let occurredAt = EventTimestamp.date(fromMilliseconds: milliseconds)
        guard parser.limits.timeViolation(occurredAt: occurredAt, receivedAt: receivedAt, path: "occurredAt") == nil else { return nil }
        var id: UUID?
        if let idText = members.id {
            // An id in the relay-assigned form is refused by the general path (a resent event).
            guard let parsed = bytes.uuid(idText), !RelayEventID.isRelayAssigned(parsed) else { return nil }
            id = parsed
        }
        guard let order = Self.check(properties, fast, bytes) else { return nil }
        let type = compiled.type
        var key: [UInt8]?
        if let keyField = type.keyField, let index = fast.fields.firstIndex(where: { $0.name.elementsEqual(keyField.utf8) }),
            let present = order[index]
        {
            guard case .text(let text) = present.value else { return nil }
            key = Array(bytes.slice(text.range))
        }
        let eventID = id ?? parser.makeID()
        // The canonical envelope, keys in byte order, written straight from the scanned bytes.
        var json: [UInt8] = []
        json.reserveCapacity(bytes.count + 160)
        json += Self.idKey
        eventID.appendLowercase(to: &json)
        json += Self.occurredAtKey
        EventTimestamp.append(milliseconds: EventTimestamp.milliseconds(from: occurredAt), to: &json)
        json += Self.propertiesKey
        var first = true
        for (index, field) in fast.fields.enumerated() {
            guard let present = order[index] else { continue }
            json.append(UInt8(ascii: first ? "{" : ","))
            first = false
            json += field.canonicalKey
            json += bytes.slice(present.range)
        }
        if first { json.append(UInt8(ascii: "{")) }
        json += Self.receivedAtKey
        EventTimestamp.append(milliseconds: receivedMilliseconds, to: &json)
        json += Self.sessionKey
        json += bytes.slice((sessionText.range.lowerBound - 1)..<(sessionText.range.upperBound + 1))
        json += compiled.envelopeSuffix
        return RegisteredEvent(
            type: type.name, typeVersion: type.version, id: eventID, key: key ?? Array(bytes.slice(sessionText.range)), json: json)
    }

    static let idKey = Array(#"{"id":""#.utf8)
    static let occurredAtKey = Array(#"","occurredAt":""#.utf8)
    static let propertiesKey = Array(#"","properties":"#.utf8)
    static let receivedAtKey = Array(#"},"receivedAt":""#.utf8)
    static let sessionKey = Array(#"","schemaVersion":1,"sessionId":"#.utf8)


    /// Each declared field's value (by position in `fast.fields`), when every member is a
    /// declared field whose value passes its checks and every required field is present.
    static func check(_ members: [FlatProperties.Member], _ fast: FastFields, _ bytes: JSONBytes)
        -> [FlatProperties.Member?]?
    {
        var order = [FlatProperties.Member?](repeating: nil, count: fast.fields.count)
        var required = 0
        for member in members {
            guard let index = fast.fields.firstIndex(where: { bytes.slice(member.key.range).elementsEqual($0.name) }),
                order[index] == nil
            else { return nil }
            let field = fast.fields[index]
            guard accepts(member.value, field.kind, bytes) else { return nil }
            order[index] = member
            if field.required { required += 1 }
        }
        return required == fast.requiredCount ? order : nil
    }

    static func accepts(_ value: FlatProperties.Value, _ kind: FastFields.Kind, _ bytes: JSONBytes) -> Bool {
        switch (value, kind) {
        case (.text(let text), .string(let min, let max, let format)):
            guard (min...max).contains(text.scalars), bytes.isWellFormed(text) else { return false }
            switch format {
            case nil: return true
            case .dateTime?: return bytes.timestamp(text) != nil
            case .uuid?: return bytes.uuid(text) != nil
            case .email?, .uri?: return bytes.string(text).map { StringFormatCheck.problem($0, format: format) == nil } ?? false
            }
        case (.text(let text), .enumeration(let allowed)):
            let slice = bytes.slice(text.range)
            return allowed.contains { $0.elementsEqual(slice) }
        case (.integer(let number), .number(_, let minimum, let maximum)):
            return Double(number) >= minimum && Double(number) <= maximum
        case (.boolean, .boolean):
            return true
        default:
            return false
        }
    }
}

/// A registered flat type's `properties`: members whose values are strings without escapes,
/// integer literals or booleans, each kept with its bytes (its own canonical JSON).
enum FlatProperties: RequestPropertiesScan {
    enum Value {
        case text(ByteText)
        /// An integer literal without sign quirks (`-0`) or more than 18 digits.
        case integer(Int64)
        case boolean
    }

    struct Member {
        let key: ByteText
        let value: Value
        /// The value's bytes, its own canonical JSON.
        let range: Range<Int>
    }

    static func scan(_ cursor: inout RequestCursor) -> [Member]? {
        guard cursor.take(UInt8(ascii: "{")) else { return nil }
        var members: [Member] = []
        if cursor.take(UInt8(ascii: "}")) { return members }
        repeat {
            guard let key = cursor.text(), cursor.take(UInt8(ascii: ":")) else { return nil }
            cursor.skipWhitespace()
            let start = cursor.index
            guard let value = value(&cursor) else { return nil }
            members.append(Member(key: key, value: value, range: start..<cursor.index))
        } while cursor.take(UInt8(ascii: ","))
        guard cursor.take(UInt8(ascii: "}")) else { return nil }
        return members
    }

    private static func value(_ cursor: inout RequestCursor) -> Value? {
        guard cursor.index < cursor.bytes.count else { return nil }
        switch cursor.bytes[cursor.index] {
        case UInt8(ascii: "\""):
            return cursor.text().map(Value.text)
        case UInt8(ascii: "t"):
            return literal("true", &cursor) ? .boolean : nil
        case UInt8(ascii: "f"):
            return literal("false", &cursor) ? .boolean : nil
        case UInt8(ascii: "-"), 0x30...0x39:
            return integer(&cursor).map(Value.integer)
        default:
            return nil
        }
    }

    private static func literal(_ word: StaticString, _ cursor: inout RequestCursor) -> Bool {
        let count = word.utf8CodeUnitCount
        let bytes = cursor.bytes
        guard cursor.index + count <= bytes.count,
            bytes.slice(cursor.index..<(cursor.index + count)).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { return false }
        cursor.index += count
        return true
    }

    /// `-?(0|[1-9][0-9]*)` of at most 18 digits, not followed by a fraction or exponent.
    private static func integer(_ cursor: inout RequestCursor) -> Int64? {
        let bytes = cursor.bytes
        var index = cursor.index
        defer { cursor.index = index }
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value: Int64 = 0
        var digits = 0
        let first = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            value = value * 10 + Int64(bytes[index] - 0x30)
            digits += 1
            index += 1
            guard digits <= 18 else { return nil }
        }
        guard digits > 0, !(digits > 1 && bytes[first] == 0x30), !(negative && value == 0) else { return nil }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) { return nil }
        return negative ? -value : value
    }
}
