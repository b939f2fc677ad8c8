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
                scanner: RequestCursor(bytes: JSONBytes(buffer: bytes)), parser: self, receivedAt: receivedAt, deriveID: deriveID)
            return encoder.request(maxEvents: maxEvents)
        }
    }
}

/// Scans a request and writes envelopes; see ``EventParser/encodeRequest(_:receivedAt:maxEvents:deriveID:)``.
private struct CanonicalRequestEncoder {
    var scanner: RequestCursor
    let parser: EventParser
    let deriveID: ((Int, [UInt8]) -> UUID)?
    let receivedMilliseconds: Int64
    let receivedAt: Date
    /// `,"receivedAt":"…","schemaVersion":1,"sessionId":`, the same for every event of a request.
    let receivedMembers: [UInt8]

    init(scanner: RequestCursor, parser: EventParser, receivedAt: Date, deriveID: ((Int, [UInt8]) -> UUID)?) {
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
        guard let members = scanner.envelope(StringProperties.self) else { return nil }
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
        // the client's members are written as sent either way (typed inits keep them unchanged,
        // which CanonicalRequestTests check against the general path).
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
        appendProperties(properties.sorted(by: { bytes.precedes($0.key, $1.key) }), derived: typed.map { derivedFields($0, rules: rules) } ?? [], to: &json)
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

    /// The canonical properties object: the client's members as sent (strings without escapes
    /// are their own canonical form) merged in key order with the derived fields, the bytes
    /// `JSONValue.object(typed.fieldValues)` gives without building that tree (writing it was
    /// 15% of parsing a page load).
    func appendProperties(
        _ sorted: [(key: ByteText, value: ByteText)], derived: [(name: String, value: JSONValue)], to json: inout [UInt8]
    ) {
        let bytes = scanner.bytes
        var next = derived.startIndex
        var first = true
        func separator() {
            json.append(UInt8(ascii: first ? "{" : ","))
            first = false
        }
        func appendDerived() {
            separator()
            JSONValue.writeString(derived[next].name, to: &json)
            json.append(UInt8(ascii: ":"))
            derived[next].value.appendCanonical(to: &json)
            next += 1
        }
        for member in sorted {
            while next < derived.endIndex, derived[next].name.utf8.lexicographicallyPrecedes(bytes.slice(member.key.range)) {
                appendDerived()
            }
            separator()
            json += bytes.quoted(member.key)
            json.append(UInt8(ascii: ":"))
            json += bytes.quoted(member.value)
        }
        while next < derived.endIndex { appendDerived() }
        if first { json.append(UInt8(ascii: "{")) }
        json.append(UInt8(ascii: "}"))
    }

    /// The fields a kind derives (its request-forbidden rules), from its typed properties, in key order.
    func derivedFields(_ typed: any EventProperties, rules: [FieldRule]) -> [(name: String, value: JSONValue)] {
        let values = typed.fieldValues
        return rules.filter { $0.request == .forbidden }
            .compactMap { rule in values[rule.name].map { (name: rule.name, value: $0) } }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
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
    func canonicalContent(_ members: RequestEnvelope<StringProperties.Members>, properties: [(key: ByteText, value: ByteText)]) -> [UInt8] {
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

/// A built-in event's `properties`: an object of string members with distinct ASCII keys.
private enum StringProperties: RequestPropertiesScan {
    static func scan(_ cursor: inout RequestCursor) -> [(key: ByteText, value: ByteText)]? {
        guard cursor.take(UInt8(ascii: "{")) else { return nil }
        var members: [(key: ByteText, value: ByteText)] = []
        if cursor.take(UInt8(ascii: "}")) { return members }
        let bytes = cursor.bytes
        repeat {
            guard let key = cursor.text(), key.isASCII, cursor.take(UInt8(ascii: ":")), let value = cursor.text(),
                !members.contains(where: { bytes.slice($0.key.range).elementsEqual(bytes.slice(key.range)) })
            else { return nil }
            members.append((key, value))
        } while cursor.take(UInt8(ascii: ","))
        guard cursor.take(UInt8(ascii: "}")) else { return nil }
        return members
    }
}

extension JSONBytes {
    /// The text with its quotes: its own canonical JSON, since it holds no escapes.
    fileprivate func quoted(_ text: ByteText) -> UnsafeBufferPointer<UInt8> {
        slice((text.range.lowerBound - 1)..<(text.range.upperBound + 1))
    }
}
