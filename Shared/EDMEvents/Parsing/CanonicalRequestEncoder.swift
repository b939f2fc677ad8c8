import Foundation

extension EventParser {
    /// The relay's hot path for `POST /v1/events`: reads a request body (one event object or an
    /// array of at most `maxEvents`) in one pass over its bytes, checks every rule while
    /// scanning, and writes each event's canonical envelope bytes directly, without a JSON tree
    /// or an ``EventEnvelope``.
    ///
    /// It only ever accepts. Whatever it does not fully recognise (escapes in strings, numbers
    /// other than `"schemaVersion": 1`, a byte order mark, an empty batch, a batch over
    /// `maxEvents`) or whatever breaks a rule returns nil, and the caller then runs the general
    /// path (``JSONValue/parse(_:maxDepth:maxRootArrayElements:)`` and ``parse(_:type:source:receivedAt:)``),
    /// so every error, with its byte offset or JSON path, is the general path's.
    /// `CanonicalRequestTests` checks that both paths give the same bytes wherever this accepts.
    ///
    /// - Parameter deriveID: ids for events that carry none, from their index in the request and
    ///   their canonical bytes as sent (an Idempotency-Key); nil assigns ``makeID``'s. When given,
    ///   the result also holds the canonical body.
    public func encodeRequest(
        _ body: Data, receivedAt: Date, maxEvents: Int,
        deriveID: ((_ index: Int, _ content: [UInt8]) -> UUID)? = nil
    ) -> EncodedRequest? {
        body.withUnsafeBytes { raw -> EncodedRequest? in
            guard let base = raw.baseAddress, raw.count > 0 else { return nil }
            let bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            var encoder = CanonicalRequestEncoder(
                scanner: RequestScanner(bytes: JSONBytes(buffer: bytes)), parser: self, receivedAt: receivedAt, deriveID: deriveID)
            return encoder.request(maxEvents: maxEvents)
        }
    }
}

/// Scans a request and writes envelopes; see ``EventParser/encodeRequest(_:receivedAt:maxEvents:deriveID:)``.
private struct CanonicalRequestEncoder {
    var scanner: RequestScanner
    let parser: EventParser
    let deriveID: ((Int, [UInt8]) -> UUID)?
    let receivedMilliseconds: Int64
    let receivedAt: Date
    /// `,"receivedAt":"…","schemaVersion":1,"sessionId":`, the same for every event of a request.
    let receivedMembers: [UInt8]

    init(scanner: RequestScanner, parser: EventParser, receivedAt: Date, deriveID: ((Int, [UInt8]) -> UUID)?) {
        self.scanner = scanner
        self.parser = parser
        self.deriveID = deriveID
        // As the general path does: the envelope holds the relay's clock to the millisecond.
        receivedMilliseconds = EventTimestamp.milliseconds(from: receivedAt)
        self.receivedAt = EventTimestamp.date(fromMilliseconds: receivedMilliseconds)
        var members = Array(#","receivedAt":""#.utf8)
        EventTimestamp.append(milliseconds: receivedMilliseconds, to: &members)
        members += Array(#"","schemaVersion":1,"sessionId":"#.utf8)
        receivedMembers = members
    }

    mutating func request(maxEvents: Int) -> EncodedRequest? {
        scanner.skipWhitespace()
        var events: [EncodedEvent] = []
        var contents: [[UInt8]] = []
        let isBatch = scanner.take(UInt8(ascii: "["))
        if isBatch {
            repeat {
                // An empty batch and one over the limit are errors the general path words.
                guard events.count < maxEvents, let event = event(index: events.count, contents: &contents) else {
                    return nil
                }
                events.append(event)
            } while scanner.take(UInt8(ascii: ","))
            guard scanner.take(UInt8(ascii: "]")) else { return nil }
        } else {
            guard let event = event(index: 0, contents: &contents) else { return nil }
            events.append(event)
        }
        scanner.skipWhitespace()
        guard scanner.atEnd else { return nil }
        var canonicalBody: [UInt8]?
        if deriveID != nil {
            canonicalBody = isBatch ? Array("[".utf8) + Array(contents.joined(separator: [UInt8(ascii: ",")])) + Array("]".utf8)
                : contents[0]
        }
        return EncodedRequest(events: events, isBatch: isBatch, canonicalBody: canonicalBody)
    }

    // MARK: One event

    mutating func event(index: Int, contents: inout [[UInt8]]) -> EncodedEvent? {
        guard let members = scanner.object() else { return nil }
        let bytes = scanner.bytes
        // Top-level rules (EventEnvelope.fieldRules, request form): a registered type, an RFC
        // 3339 occurredAt within the time limits, a 1...128 character sessionId, a UUID id.
        guard let typeText = members.type, let kind = parser.registry.kinds.first(where: { bytes.equals(typeText, $0.eventType) }),
            let occurredText = members.occurredAt, let occurred = bytes.timestamp(occurredText),
            let session = members.sessionId, (1...128).contains(session.scalars), bytes.isWellFormed(session),
            let properties = members.properties
        else { return nil }
        var clientID: UUID?
        if let idText = members.id {
            // An id in the relay's own form sent back is refused by the general path, which says why.
            guard let id = bytes.uuid(idText), !RelayEventID.isRelayAssigned(id) else { return nil }
            clientID = id
        }
        let occurredAt = EventTimestamp.date(fromMilliseconds: occurred)
        let rules = kind.fieldRules
        guard parser.limits.timeViolation(occurredAt: occurredAt, receivedAt: receivedAt, path: "occurredAt") == nil,
            propertiesPass(properties, rules: rules)
        else { return nil }
        // A kind with derived fields (a page load's deviceType) computes them in its typed init;
        // the others' properties are the client's members as sent, so those are copied.
        var typed: (any EventProperties)?
        if rules.contains(where: { $0.request == .forbidden }) {
            guard let built = typedProperties(properties, kind: kind) else { return nil }
            typed = built
        }

        var content: [UInt8] = []
        if deriveID != nil {
            content = canonicalContent(members, properties: properties)
            contents.append(content)
        }
        let id = clientID ?? deriveID.map { $0(index, content) } ?? parser.makeID()

        var json: [UInt8] = []
        json.reserveCapacity(384)
        json += #"{"id":""#.utf8
        id.appendLowercase(to: &json)
        json += #"","occurredAt":""#.utf8
        EventTimestamp.append(milliseconds: occurred, to: &json)
        json += #"","properties":"#.utf8
        if let typed {
            JSONValue.object(typed.fieldValues).appendCanonical(to: &json)
        } else {
            json.append(UInt8(ascii: "{"))
            for (position, member) in properties.sorted(by: { bytes.precedes($0.key, $1.key) }).enumerated() {
                if position > 0 { json.append(UInt8(ascii: ",")) }
                json += bytes.quoted(member.key)
                json.append(UInt8(ascii: ":"))
                json += bytes.quoted(member.value)
            }
            json.append(UInt8(ascii: "}"))
        }
        json += receivedMembers
        json += bytes.quoted(session)
        json += #","source":"v1","type":"#.utf8
        JSONValue.writeString(kind.eventType, to: &json)
        json.append(UInt8(ascii: "}"))
        guard json.count <= parser.limits.maxEventBytes else { return nil }
        return EncodedEvent(kind: kind, id: id, key: Array(bytes.slice(session.range)), json: json)
    }

    /// Whether every member passes its rule (request form), none is unknown and none that is
    /// required is missing.
    func propertiesPass(_ members: [(key: ByteText, value: ByteText)], rules: [FieldRule]) -> Bool {
        let bytes = scanner.bytes
        var matched = 0
        for rule in rules {
            guard let member = members.first(where: { bytes.equals($0.key, rule.name) }) else {
                if rule.request == .required { return false }
                continue
            }
            guard rule.request != .forbidden, bytes.accepts(member.value, rule.value), bytes.isWellFormed(member.value)
            else { return false }
            matched += 1
        }
        return matched == members.count
    }

    /// The typed properties of members that passed their rules.
    func typedProperties(_ members: [(key: ByteText, value: ByteText)], kind: any EventProperties.Type) -> (any EventProperties)? {
        let bytes = scanner.bytes
        var fields: [String: JSONValue] = [:]
        fields.reserveCapacity(members.count)
        for member in members {
            guard let key = bytes.string(member.key), let value = bytes.string(member.value) else { return nil }
            fields[key] = .string(value)
        }
        return try? kind.init(fields: FieldReader(fields, path: "properties"))
    }

    /// The event's canonical bytes as sent (keys sorted, no whitespace), what
    /// `JSONValue.serialized()` of the parsed element gives: strings without escapes are their
    /// own canonical form.
    func canonicalContent(_ members: Members, properties: [(key: ByteText, value: ByteText)]) -> [UInt8] {
        let bytes = scanner.bytes
        var output: [UInt8] = [UInt8(ascii: "{")]
        func member(_ name: String, _ text: ByteText?) {
            guard let text else { return }
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            JSONValue.writeString(name, to: &output)
            output.append(UInt8(ascii: ":"))
            output += bytes.quoted(text)
        }
        // Keys in byte order: id, occurredAt, properties, schemaVersion, sessionId, type.
        member("id", members.id)
        member("occurredAt", members.occurredAt)
        output += #","properties":{"#.utf8
        let sorted = properties.sorted { bytes.precedes($0.key, $1.key) }
        for (position, property) in sorted.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output += bytes.quoted(property.key)
            output.append(UInt8(ascii: ":"))
            output += bytes.quoted(property.value)
        }
        output.append(UInt8(ascii: "}"))
        if members.schemaVersion { output += #","schemaVersion":1"#.utf8 }
        member("sessionId", members.sessionId)
        member("type", members.type)
        output.append(UInt8(ascii: "}"))
        return output
    }
}

/// The members of one request object, as scanned (values not yet checked).
private struct Members {
    var id: ByteText?
    var type: ByteText?
    var occurredAt: ByteText?
    var sessionId: ByteText?
    var schemaVersion = false
    var properties: [(key: ByteText, value: ByteText)]?
}

/// A cursor over a request body: JSON syntax with whitespace, but only the shapes a v1 event
/// has (string members, `properties` an object of strings, `schemaVersion` the literal 1).
private struct RequestScanner {
    let bytes: JSONBytes
    var index = 0

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

    mutating func text() -> ByteText? {
        skipWhitespace()
        guard let (text, end) = bytes.text(at: index) else { return nil }
        index = end
        return text
    }

    /// One event object; nil on an unknown or repeated key or a value of another shape.
    mutating func object() -> Members? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var members = Members()
        repeat {
            guard let key = text(), key.isASCII, take(UInt8(ascii: ":")) else { return nil }
            switch key.range.count {
            case 2 where bytes.equals(key, "id"):
                guard members.id == nil, let value = text() else { return nil }
                members.id = value
            case 4 where bytes.equals(key, "type"):
                guard members.type == nil, let value = text() else { return nil }
                members.type = value
            case 10 where bytes.equals(key, "occurredAt"):
                guard members.occurredAt == nil, let value = text() else { return nil }
                members.occurredAt = value
            case 9 where bytes.equals(key, "sessionId"):
                guard members.sessionId == nil, let value = text() else { return nil }
                members.sessionId = value
            case 10 where bytes.equals(key, "properties"):
                guard members.properties == nil, let value = properties() else { return nil }
                members.properties = value
            case 13 where bytes.equals(key, "schemaVersion"):
                // Only the literal 1: `1.0`, `1e0` and other numbers are the general path's.
                skipWhitespace()
                guard !members.schemaVersion, index < bytes.count, bytes[index] == UInt8(ascii: "1") else { return nil }
                index += 1
                members.schemaVersion = true
            default:
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        return members
    }

    /// An object of string members with distinct ASCII keys.
    mutating func properties() -> [(key: ByteText, value: ByteText)]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var members: [(key: ByteText, value: ByteText)] = []
        if take(UInt8(ascii: "}")) { return members }
        repeat {
            guard let key = text(), key.isASCII, take(UInt8(ascii: ":")), let value = text(),
                !members.contains(where: { bytes.slice($0.key.range).elementsEqual(bytes.slice(key.range)) })
            else { return nil }
            members.append((key, value))
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        return members
    }
}

extension JSONBytes {
    /// The text with its quotes: its own canonical JSON, since it holds no escapes.
    fileprivate func quoted(_ text: ByteText) -> UnsafeBufferPointer<UInt8> {
        slice((text.range.lowerBound - 1)..<(text.range.upperBound + 1))
    }
}
