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
            guard let base = raw.baseAddress else { return nil }
            let buffer = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            return fields(buffer, registry: registry, limits: limits)?.envelope()
        }
    }

    /// The fields of the canonical envelope in `buffer` once every rule passed, read in place
    /// (valid while `buffer` is); nil for anything else.
    static func fields(_ buffer: UnsafeBufferPointer<UInt8>, registry: EventRegistry, limits: ValidationLimits) -> EventFields? {
        guard buffer.baseAddress != nil, !buffer.isEmpty else { return nil }
        var reader = CanonicalReader(buffer)
        return reader.fields(registry: registry, limits: limits)
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

    mutating func fields(registry: EventRegistry, limits: ValidationLimits) -> EventFields? {
        guard skip("{\"id\":"), let id = text(), skip(",\"occurredAt\":"), let occurred = text(),
            skip(",\"properties\":{"), case let properties = index, skipMembers(),
            skip(",\"receivedAt\":"), let received = text(), skip(",\"schemaVersion\":1,\"sessionId\":"),
            let session = text(), skip(",\"source\":"), let sourceText = text(), skip(",\"type\":"),
            let typeText = text(), skip("}"), index == bytes.count
        else { return nil }

        // Top-level rules (EventEnvelope.fieldRules): type names a registered kind, id is a
        // UUID, the times are RFC 3339, sessionId is 1...128 characters, source is known.
        guard let typeName = bytes.string(typeText), let kind = registry.kind(named: typeName),
            let uuid = bytes.uuid(id),
            let occurredMilliseconds = bytes.timestamp(occurred), let receivedMilliseconds = bytes.timestamp(received),
            (1...128).contains(session.scalars), bytes.isWellFormed(session),
            let source = EventSource.allCases.first(where: { bytes.equals(sourceText, $0.rawValue) })
        else { return nil }
        let occurredAt = EventTimestamp.date(fromMilliseconds: occurredMilliseconds)
        let receivedAt = EventTimestamp.date(fromMilliseconds: receivedMilliseconds)
        guard receivedAt >= limits.earliestOccurredAt,
            limits.timeViolation(occurredAt: occurredAt, receivedAt: receivedAt, path: "occurredAt") == nil,
            propertiesPass(from: properties, rules: kind.fieldRules)
        else { return nil }
        return EventFields(
            kind: kind, id: uuid, occurredAtMilliseconds: occurredMilliseconds,
            receivedAtMilliseconds: receivedMilliseconds, source: source, bytes: bytes, sessionId: session,
            properties: properties)
    }

    // MARK: Properties

    /// Whether every member of the properties object starting at `start` passes its rule, none
    /// is unknown and none that is required is missing (keys are distinct: ``skipMembers()``
    /// saw them strictly ascending).
    func propertiesPass(from start: Int, rules: [FieldRule]) -> Bool {
        var required = 0
        for member in CanonicalProperties(bytes: bytes, start: start) {
            // By index: `first(where:)` would copy each rule (several strings) it returns.
            guard let index = rules.indices.first(where: { bytes.equals(member.key, rules[$0].name) }),
                rules[index].envelope != .forbidden, bytes.accepts(member.value, rules[index].value),
                bytes.isWellFormed(member.value)
            else { return false }
            if rules[index].envelope == .required { required += 1 }
        }
        return required == rules.count(where: { $0.envelope == .required })
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

    /// Skips the members of an object whose opening brace was consumed: string keys and values
    /// only, keys strictly ascending (the canonical order, which also rules out duplicates).
    mutating func skipMembers() -> Bool {
        if skip("}") { return true }
        var previous: ByteText?
        while true {
            guard let key = text(), key.isASCII, skip(":"), text() != nil else { return false }
            if let previous, !bytes.precedes(previous, key) { return false }
            previous = key
            if skip("}") { return true }
            guard skip(",") else { return false }
        }
    }
}
