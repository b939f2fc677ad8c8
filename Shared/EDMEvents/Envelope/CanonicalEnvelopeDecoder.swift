import Foundation

/// The fast path of ``EventEnvelope/decode(from:registry:limits:)``: reads the exact bytes the
/// relay writes (an envelope's ``EventEnvelope/jsonData()``: keys sorted, no whitespace,
/// `schemaVersion` 1, no `extras`, string-valued properties, no escapes) straight from the
/// buffer, without building a JSON tree, and checks every rule on the bytes.
///
/// It only ever accepts. Whatever it does not fully recognise (another key order, whitespace,
/// an escape, a number, `extras`) or whatever breaks a rule returns nil, and the general path
/// then decides, so every error, and every envelope from an unusual shape, is the general
/// path's. `CanonicalDecodingTests` checks both paths agree on accepted inputs and edge cases.
enum CanonicalEnvelopeDecoder {
    static func decode(_ data: Data, registry: EventRegistry, limits: ValidationLimits) -> EventEnvelope? {
        data.withUnsafeBytes { raw -> EventEnvelope? in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            var reader = CanonicalReader(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: raw.count))
            return reader.envelope(registry: registry, limits: limits)
        }
    }
}

/// A cursor over one canonical envelope. Every method returns nil (or false) as soon as the
/// bytes leave the canonical shape; nothing here throws or traps.
private struct CanonicalReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// A string's bytes (without quotes) and how many Unicode scalars it holds.
    struct Text {
        let range: Range<Int>
        let scalars: Int
        let isASCII: Bool
    }

    mutating func envelope(registry: EventRegistry, limits: ValidationLimits) -> EventEnvelope? {
        guard skip("{\"id\":"), let id = text(), skip(",\"occurredAt\":"), let occurred = text(),
            skip(",\"properties\":{"), let properties = members(),
            skip(",\"receivedAt\":"), let received = text(), skip(",\"schemaVersion\":1,\"sessionId\":"),
            let session = text(), skip(",\"source\":"), let sourceText = text(), skip(",\"type\":"),
            let typeText = text(), skip("}"), index == bytes.count
        else { return nil }

        // Top-level rules (EventEnvelope.fieldRules): type names a registered kind, id is a
        // UUID, the times are RFC 3339, sessionId is 1...128 characters, source is known.
        guard let typeName = string(typeText), let kind = registry.kind(named: typeName),
            let uuid = uuid(id),
            let occurredMilliseconds = timestamp(occurred), let receivedMilliseconds = timestamp(received),
            (1...128).contains(session.scalars), let sessionId = string(session),
            let sourceName = string(sourceText), let source = EventSource(rawValue: sourceName)
        else { return nil }
        let occurredAt = EventTimestamp.date(fromMilliseconds: occurredMilliseconds)
        let receivedAt = EventTimestamp.date(fromMilliseconds: receivedMilliseconds)
        guard receivedAt >= limits.earliestOccurredAt,
            limits.timeViolation(occurredAt: occurredAt, receivedAt: receivedAt, path: "occurredAt") == nil,
            let fields = propertyFields(properties, rules: kind.fieldRules),
            let typed = try? kind.init(fields: FieldReader(fields, path: "properties"))
        else { return nil }
        return EventEnvelope(
            schemaVersion: EventEnvelope.currentSchemaVersion, id: uuid, occurredAt: occurredAt,
            receivedAt: receivedAt, sessionId: sessionId, source: source, anyProperties: typed, extras: .none)
    }

    // MARK: Properties

    /// The properties as the general path would keep them, when every member passes its rule,
    /// none is unknown and none that is required is missing.
    func propertyFields(_ members: [(key: Text, value: Text)], rules: [FieldRule]) -> [String: JSONValue]? {
        var fields: [String: JSONValue] = [:]
        fields.reserveCapacity(members.count)
        var matched = 0
        for rule in rules {
            guard let member = members.first(where: { equals($0.key, rule.name) }) else {
                if rule.envelope == .required { return nil }
                continue
            }
            guard rule.envelope != .forbidden, accepts(member.value, rule.value), let value = string(member.value)
            else { return nil }
            fields[rule.name] = .string(value)
            matched += 1
        }
        return matched == members.count ? fields : nil
    }

    /// The checks of `RuleChecker` for a string value, on its bytes.
    func accepts(_ text: Text, _ rule: ValueRule) -> Bool {
        switch rule {
        case .text(let textRule):
            guard textRule.length.contains(text.scalars) else { return false }
            switch textRule.format {
            case .plain:
                return true  // control characters never reach here (see `text()`)
            case .httpURL:
                return isHTTPURL(text)
            case .uuid:
                return uuid(text) != nil
            case .timestamp:
                return timestamp(text) != nil
            }
        case .oneOf(let allowed):
            guard let value = string(text) else { return false }
            return allowed.contains(value)
        case .constant(let expected):
            return string(text) == expected
        case .integer, .boolean, .object, .anyObject:
            return false
        }
    }

    func isHTTPURL(_ text: Text) -> Bool {
        // No whitespace (control characters are already excluded).
        for position in text.range where bytes[position] == 0x20 { return false }
        var head: [UInt8] = []
        for position in text.range.prefix(8) {
            let byte = bytes[position]
            head.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        let scheme = head.starts(with: "https://".utf8) ? 8 : head.starts(with: "http://".utf8) ? 7 : 0
        return scheme > 0 && text.range.count > scheme
    }

    // MARK: Values

    func string(_ text: Text) -> String? {
        let slice = UnsafeBufferPointer(rebasing: bytes[text.range])
        if text.isASCII { return String(decoding: slice, as: UTF8.self) }
        // The general parser rejects ill-formed UTF-8 (overlong forms, surrogates, above
        // U+10FFFF) as malformed JSON; the standard library's validation rejects the same.
        return String(validating: slice, as: UTF8.self)
    }

    func equals(_ text: Text, _ name: String) -> Bool {
        guard text.isASCII, text.range.count == name.utf8.count else { return false }
        return name.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[text.range]))
    }

    /// 8-4-4-4-12 hex digits, either case (``TextFormat/uuid``).
    func uuid(_ text: Text) -> UUID? {
        guard text.range.count == 36 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &raw) { out -> Bool in
            var position = text.range.lowerBound
            for byteIndex in 0..<16 {
                if byteIndex == 4 || byteIndex == 6 || byteIndex == 8 || byteIndex == 10 {
                    guard bytes[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = Self.hexValue(bytes[position]), let low = Self.hexValue(bytes[position + 1])
                else { return false }
                out[byteIndex] = high << 4 | low
                position += 2
            }
            return true
        }
        return valid ? UUID(uuid: raw) : nil
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    func timestamp(_ text: Text) -> Int64? {
        guard text.isASCII else { return nil }
        return EventTimestamp.milliseconds(fromUTF8: UnsafeBufferPointer(rebasing: bytes[text.range]))
    }

    // MARK: Syntax

    mutating func skip(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let matches = literal.withUTF8Buffer { expected in
            memcmp(bytes.baseAddress! + index, expected.baseAddress!, count) == 0
        }
        if matches { index += count }
        return matches
    }

    /// A string without escapes or control characters (those go to the general path).
    mutating func text() -> Text? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var position = start
        var continuationBytes = 0
        var isASCII = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return Text(range: start..<position, scalars: position - start - continuationBytes, isASCII: isASCII)
            }
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") { return nil }
            if byte >= 0x80 {
                isASCII = false
                if byte & 0xC0 == 0x80 { continuationBytes += 1 }
            }
            position += 1
        }
        return nil
    }

    /// The members of an object whose opening brace was consumed: string keys and values only,
    /// keys strictly ascending (the canonical order, which also rules out duplicates).
    mutating func members() -> [(key: Text, value: Text)]? {
        var members: [(key: Text, value: Text)] = []
        if skip("}") { return members }
        while true {
            guard let key = text(), key.isASCII, skip(":"), let value = text() else { return nil }
            if let previous = members.last?.key {
                let ordered = UnsafeBufferPointer(rebasing: bytes[previous.range])
                    .lexicographicallyPrecedes(UnsafeBufferPointer(rebasing: bytes[key.range]))
                guard ordered else { return nil }
            }
            members.append((key, value))
            if skip("}") { return members }
            guard skip(",") else { return nil }
        }
    }
}
