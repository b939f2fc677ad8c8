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
    let bytes: JSONBytes
    var index = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes = JSONBytes(buffer: buffer)
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
        guard let typeName = bytes.string(typeText), let kind = registry.kind(named: typeName),
            let uuid = bytes.uuid(id),
            let occurredMilliseconds = bytes.timestamp(occurred), let receivedMilliseconds = bytes.timestamp(received),
            (1...128).contains(session.scalars), let sessionId = bytes.string(session),
            let sourceName = bytes.string(sourceText), let source = EventSource(rawValue: sourceName)
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
    func propertyFields(_ members: [(key: ByteText, value: ByteText)], rules: [FieldRule]) -> [String: JSONValue]? {
        var fields: [String: JSONValue] = [:]
        fields.reserveCapacity(members.count)
        var matched = 0
        for rule in rules {
            guard let member = members.first(where: { bytes.equals($0.key, rule.name) }) else {
                if rule.envelope == .required { return nil }
                continue
            }
            guard rule.envelope != .forbidden, bytes.accepts(member.value, rule.value), let value = bytes.string(member.value)
            else { return nil }
            fields[rule.name] = .string(value)
            matched += 1
        }
        return matched == members.count ? fields : nil
    }

    // MARK: Syntax

    mutating func skip(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let matches = literal.withUTF8Buffer { expected in
            memcmp(bytes.buffer.baseAddress! + index, expected.baseAddress!, count) == 0
        }
        if matches { index += count }
        return matches
    }

    /// A string without escapes or control characters (those go to the general path).
    mutating func text() -> ByteText? {
        guard let (text, end) = bytes.text(at: index) else { return nil }
        index = end
        return text
    }

    /// The members of an object whose opening brace was consumed: string keys and values only,
    /// keys strictly ascending (the canonical order, which also rules out duplicates).
    mutating func members() -> [(key: ByteText, value: ByteText)]? {
        var members: [(key: ByteText, value: ByteText)] = []
        if skip("}") { return members }
        while true {
            guard let key = text(), key.isASCII, skip(":"), let value = text() else { return nil }
            if let previous = members.last?.key {
                guard bytes.precedes(previous, key) else { return nil }
            }
            members.append((key, value))
            if skip("}") { return members }
            guard skip(",") else { return nil }
        }
    }
}
