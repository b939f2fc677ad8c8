@testable import EDMEvents
import Foundation
import Testing

/// `EventEnvelope.decode(from:)` reads canonical envelopes on a byte-level fast path and
/// everything else on the general path (parse the JSON tree, then check the rules). These tests
/// prove the two agree: on every input the public decoder's envelope or error equals the general
/// path's, and whenever the fast path accepts, the general path accepts the same envelope.
@Suite("Canonical fast path agrees with the general decoder")
struct CanonicalDecodingTests {
    typealias Outcome = Result<EventEnvelope, EventDecodingError>

    /// The general path alone.
    func general(_ data: Data) -> Outcome {
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            return .failure(.malformedJSON(error))
        }
        do {
            return .success(try EventEnvelope.decode(value))
        } catch {
            return .failure(error)
        }
    }

    func fast(_ data: Data) -> EventEnvelope? {
        CanonicalEnvelopeDecoder.decode(data, registry: .standard, limits: .default)
    }

    /// Asserts agreement on `data`; returns whether the fast path accepted it.
    @discardableResult
    func expectAgreement(_ data: Data, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let expected = general(data)
        let actual: Outcome
        do {
            actual = .success(try EventEnvelope.decode(from: data))
        } catch {
            actual = .failure(error)
        }
        #expect(actual == expected, comment, sourceLocation: sourceLocation)
        expectProjectionAgreement(data, comment, sourceLocation: sourceLocation)
        guard let accepted = fast(data) else { return false }
        #expect(expected == .success(accepted), comment, sourceLocation: sourceLocation)
        return true
    }

    /// A record decoder's projection (``EventRecordDecoder/decode(_:projecting:)``, fields read
    /// in place on the fast path) gives the same verdict as its envelope decode, on either topic,
    /// and reads the same fields.
    func expectProjectionAgreement(_ data: Data, _ comment: Comment?, sourceLocation: SourceLocation) {
        guard let names = try? KafkaNames(prefix: nil) else {
            Issue.record("no names without a prefix", sourceLocation: sourceLocation)
            return
        }
        let records = EventRecordDecoder(names: names)
        for topic in ["edm-ui-click", "edm-ui-pageload"] {
            let record = EventRecord(
                topic: topic, partition: 0, offset: 1, value: Array(data), timestampMilliseconds: 1_714_564_800_456)
            let viaEnvelope = records.decode(record).map { ProjectedFields(EventFields($0)) }
            let projected = records.decode(record, projecting: ProjectedFields.init)
            #expect(projected == viaEnvelope, comment, sourceLocation: sourceLocation)
        }
    }

    /// The canonical bytes of `members` (keys sorted, no whitespace, strings escaped), as the
    /// relay's serializer writes them.
    func canonical(_ members: [String: JSONValue]) -> Data {
        JSONValue.object(members).serialized()
    }

    var clickMembers: [String: JSONValue] {
        Fixture.click().jsonValue.objectValue ?? [:]
    }

    var pageLoadMembers: [String: JSONValue] {
        Fixture.pageLoad().jsonValue.objectValue ?? [:]
    }

    func replacing(_ members: [String: JSONValue], _ key: String, _ value: JSONValue?) -> [String: JSONValue] {
        var copy = members
        copy[key] = value
        return copy
    }

    func replacingProperty(_ members: [String: JSONValue], _ key: String, _ value: JSONValue?) -> [String: JSONValue] {
        var properties = members["properties"]?.objectValue ?? [:]
        properties[key] = value
        return replacing(members, "properties", .object(properties))
    }

    @Test("what the relay writes takes the fast path and decodes to the same envelope")
    func relayOutputTakesFastPath() {
        var envelopes = [
            Fixture.click(), Fixture.click(description: nil), Fixture.pageLoad(),
            Fixture.pageLoad(userAgent: ""),
        ]
        envelopes += Fixture.trickyButtonIds.map { Fixture.click($0) }
        envelopes += ["é", "👍🏽", "🇩🇪", "e\u{301}", "\u{212A}", "日本語のボタン"].map { Fixture.click($0, description: "ü \($0)") }
        envelopes.append(
            EventEnvelope(
                id: Fixture.id, occurredAt: Fixture.occurredAt, receivedAt: Fixture.receivedAt, sessionId: "ß-séssion",
                source: .legacy, properties: ClickProperties(buttonId: "b")))
        for envelope in envelopes {
            let data = envelope.jsonData()
            #expect(expectAgreement(data, "\(envelope)"), "fast path refused \(envelope)")
            #expect(fast(data) == envelope)
        }
    }

    @Test("a click and a page load of the relay's shape decode field by field")
    func fieldByField() throws {
        let decoded = try #require(fast(Fixture.pageLoad().jsonData()))
        #expect(decoded.id == Fixture.id)
        #expect(decoded.occurredAt == Fixture.occurredAt)
        #expect(decoded.receivedAt == Fixture.receivedAt)
        #expect(decoded.sessionId == Fixture.sessionId)
        #expect(decoded.source == .v1)
        let properties = try #require(decoded.properties(as: PageLoadProperties.self))
        #expect(properties.url == "https://shop.example.com/products/1")
        #expect(properties.deviceType == .mobile)
        #expect(properties.description == "Product page")
    }

    @Test("escapes in strings go to the general path and give its result", arguments: [
        "the \\\"kit\\\"", "back\\\\slash", "caf\\u00e9", "\\ud83d\\udc4d", "slash\\/", "line\\nbreak", "tab\\t",
        "\\u0000", "\\ud83d", "\\x41",
    ])
    func escapes(_ escaped: String) {
        let data = Data(#"{"id":"3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f","occurredAt":"2024-05-01T12:00:00.123Z","properties":{"buttonId":"\#(escaped)","description":"Add to cart"},"receivedAt":"2024-05-01T12:00:00.456Z","schemaVersion":1,"sessionId":"s","source":"v1","type":"click"}"#.utf8)
        #expect(!expectAgreement(data, "\(escaped)"))
    }

    @Test("raw bytes in strings: valid UTF-8 is accepted, invalid is the general path's syntax error")
    func rawUTF8() {
        let prefix = Array(#"{"id":"3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f","occurredAt":"2024-05-01T12:00:00.123Z","properties":{"buttonId":""#.utf8)
        let suffix = Array(#""},"receivedAt":"2024-05-01T12:00:00.456Z","schemaVersion":1,"sessionId":"s","source":"v1","type":"click"}"#.utf8)
        let valid: [[UInt8]] = [[0xC3, 0xA9], [0xF0, 0x9F, 0x91, 0x8D], [0xE2, 0x84, 0xAA], [0xEF, 0xBF, 0xBF], [0xC2, 0x80]]
        let invalid: [[UInt8]] = [
            [0xC3], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xFF], [0x80], [0xF0, 0x9F, 0x91],
        ]
        for bytes in valid {
            #expect(expectAgreement(Data(prefix + bytes + suffix), "\(bytes)"))
        }
        for bytes in invalid {
            let data = Data(prefix + bytes + suffix)
            #expect(!expectAgreement(data, "\(bytes)"))
            guard case .failure(.malformedJSON) = general(data) else {
                Issue.record("\(bytes) should be malformed JSON")
                continue
            }
        }
        // Control characters (raw) and DEL.
        for byte: UInt8 in [0x00, 0x09, 0x0A, 0x1F, 0x7F] {
            #expect(!expectAgreement(Data(prefix + [UInt8(ascii: "a"), byte] + suffix), "byte \(byte)"))
        }
    }

    @Test("timestamps: fractions, offsets and invalid forms agree", arguments: [
        "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.1Z", "2024-05-01T12:00:00.12Z", "2024-05-01T12:00:00.123456789Z",
        "2024-05-01T12:00:00.9995Z", "2024-05-01T12:00:00.1234567890Z", "2024-05-01T12:00:00.Z",
        "2024-05-01t12:00:00.123z", "2024-05-01T14:00:00.123+02:00", "2024-05-01T06:30:00.123-05:30",
        "2024-05-01T12:00:00.123+24:00", "2024-05-01T12:00:00.123+02:60", "2024-05-01T12:00:00.123+0200",
        "2024-02-30T12:00:00Z", "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2024-05-01T12:00:60Z",
        "2024-05-01 12:00:00Z", "2024-05-01T12:00:00", "1999-12-31T23:59:59.999Z", "2000-01-01T00:00:00Z",
        "2024-05-02T12:00:00.456Z", "2024-05-02T12:00:00.457Z", "2024-05-01T12:00:00.123Zx", "２０２４-05-01T12:00:00Z",
    ])
    func timestamps(_ text: String) {
        let occurred = canonical(replacing(clickMembers, "occurredAt", .string(text)))
        expectAgreement(occurred, "occurredAt \(text)")
        let received = canonical(replacing(clickMembers, "receivedAt", .string(text)))
        expectAgreement(received, "receivedAt \(text)")
        if EventTimestamp.date(from: text) != nil, text.hasPrefix("2024-05-01") {
            #expect(fast(occurred) != nil, "\(text)")
        }
    }

    @Test("missing, extra and mistyped fields give the general path's errors")
    func fieldShapes() {
        var cases: [[String: JSONValue]] = []
        for base in [clickMembers, pageLoadMembers] {
            for key in base.keys {
                cases.append(replacing(base, key, nil))
                for wrong: JSONValue in [.null, true, 1, 1.5, "1", [], ["a": 1], [1]] {
                    cases.append(replacing(base, key, wrong))
                }
            }
            for key in base["properties"]?.objectValue?.keys.sorted() ?? [] {
                cases.append(replacingProperty(base, key, nil))
                for wrong: JSONValue in [.null, 7, "", [], ["a": "b"]] {
                    cases.append(replacingProperty(base, key, wrong))
                }
            }
            cases.append(replacing(base, "zzz", "extra"))
            cases.append(replacing(base, "aaa", "extra"))
            cases.append(replacing(base, "extras", ["topLevel": ["x": 1]]))
            cases.append(replacing(base, "extras", [:]))
            cases.append(replacingProperty(base, "unknown", "x"))
            cases.append(replacingProperty(base, "aaa", "x"))
            cases.append(replacing(base, "properties", [:]))
            cases.append(replacing(base, "schemaVersion", 2))
            cases.append(replacing(base, "schemaVersion", 0))
            cases.append(replacing(base, "type", "purchase"))
            cases.append(replacing(base, "type", base["type"] == "click" ? "pageload" : "click"))
            cases.append(replacing(base, "source", "v2"))
            cases.append(replacing(base, "source", "legacy"))
            cases.append(replacing(base, "id", "3F2A6C1E-8B4D-4F0A-9C7E-5D1B2A3C4E5F"))
            cases.append(replacing(base, "id", "3f2a6c1e8b4d4f0a9c7e5d1b2a3c4e5f"))
            cases.append(replacing(base, "id", "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5g"))
            cases.append(replacing(base, "id", "{3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5}"))
            cases.append(replacing(base, "sessionId", ""))
            cases.append(replacing(base, "sessionId", .string(String(repeating: "s", count: 128))))
            cases.append(replacing(base, "sessionId", .string(String(repeating: "s", count: 129))))
            cases.append(replacing(base, "sessionId", .string(String(repeating: "é", count: 128))))
            cases.append(replacing(base, "sessionId", .string(String(repeating: "é", count: 129))))
        }
        cases.append(replacingProperty(clickMembers, "buttonId", .string(String(repeating: "👍", count: 200))))
        cases.append(replacingProperty(clickMembers, "buttonId", .string(String(repeating: "👍", count: 201))))
        cases.append(replacingProperty(clickMembers, "description", ""))
        for url in ["http://a", "HTTPS://shop.example.com/x", "https://", "ftp://x", "https://a b", "https://ä.example/ü", "hTtP://x"] {
            cases.append(replacingProperty(pageLoadMembers, "url", .string(url)))
        }
        for device in ["mobile", "desktop", "tablet", "bot", "other", "Mobile", ""] {
            cases.append(replacingProperty(pageLoadMembers, "deviceType", .string(device)))
        }
        for members in cases {
            expectAgreement(canonical(members), "\(JSONValue.object(members))")
        }
    }

    @Test("non-canonical layouts of a valid envelope take the general path and decode the same")
    func layouts() throws {
        let data = Fixture.click().jsonData()
        let text = String(decoding: data, as: UTF8.self)
        let variants = [
            " " + text, text + " ", text + "\n", "\u{FEFF}" + text,
            text.replacingOccurrences(of: ",", with: ", "), text.replacingOccurrences(of: "\":", with: "\" : "),
            // Keys out of canonical order.
            #"{"type":"click","id":"3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f","occurredAt":"2024-05-01T12:00:00.123Z","properties":{"description":"Add to cart","buttonId":"the-camper's-kit"},"receivedAt":"2024-05-01T12:00:00.456Z","schemaVersion":1,"sessionId":"b7e0c7a0-07a8-11ef-9a3e-0242ac120002","source":"v1"}"#,
            text.replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":1.0"#),
            text.replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":1e0"#),
        ]
        let expected = try EventEnvelope.decode(from: data)
        for variant in variants {
            let variantData = Data(variant.utf8)
            #expect(!expectAgreement(variantData, "\(variant)"))
            #expect(try EventEnvelope.decode(from: variantData) == expected)
        }
        // Duplicate keys and trailing garbage are errors on both paths.
        for broken in [
            text.replacingOccurrences(of: #"{"id""#, with: #"{"id":"x","id""#),
            text.replacingOccurrences(of: #""buttonId""#, with: #""buttonId":"x","buttonId""#),
            text + "}", text + "x", String(text.dropLast()),
        ] {
            #expect(!expectAgreement(Data(broken.utf8), "\(broken)"))
            #expect(throws: EventDecodingError.self) { try EventEnvelope.decode(from: Data(broken.utf8)) }
        }
    }

    @Test("random corruptions and truncations of canonical envelopes agree")
    func mutations() {
        var generator = SeededGenerator(seed: 0xFA57)
        let interesting: [UInt8] = Array(#"{}[]",:\ 019aAfF-+.TZzeé"#.utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xFF]
        for envelope in [Fixture.click(), Fixture.pageLoad(), Fixture.click("👍🏽", description: nil)] {
            let data = envelope.jsonData()
            for length in 0..<data.count {
                expectAgreement(data.prefix(length))
            }
            for _ in 0..<400 {
                var bytes = [UInt8](data)
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] = Bool.random(using: &generator)
                    ? interesting.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
                expectAgreement(Data(bytes))
            }
        }
    }

    @Test("time limits are the general path's: too early, too far ahead of receivedAt")
    func timeLimits() {
        let early = canonical(replacing(clickMembers, "occurredAt", "1999-12-31T23:59:59.999Z"))
        #expect(!expectAgreement(early))
        let ahead = canonical(replacing(clickMembers, "occurredAt", "2024-05-02T12:00:00.457Z"))
        #expect(!expectAgreement(ahead))
        let limit = canonical(replacing(clickMembers, "occurredAt", "2024-05-02T12:00:00.456Z"))
        #expect(expectAgreement(limit))
        let strict = ValidationLimits(maxFutureSkew: 0)
        #expect(CanonicalEnvelopeDecoder.decode(limit, registry: .standard, limits: strict) == nil)
        #expect(throws: EventDecodingError.self) { try EventEnvelope.decode(from: limit, limits: strict) }
    }

    @Test("a smaller registry makes the fast path refuse what it does not know")
    func registry() {
        let data = Fixture.pageLoad().jsonData()
        let clicksOnly = EventRegistry([ClickProperties.self])
        #expect(CanonicalEnvelopeDecoder.decode(data, registry: clicksOnly, limits: .default) == nil)
        #expect(throws: EventDecodingError.unknownType("pageload", known: ["click"])) {
            try EventEnvelope.decode(from: data, registry: clicksOnly)
        }
    }
}

/// Everything a projection can read of an event, comparable.
struct ProjectedFields: Equatable {
    var type: String
    var id: UUID
    var occurredAt: Int64
    var receivedAt: Int64
    var source: EventSource
    var sessionId: String
    /// Every property the kind's rules name, and one they do not.
    var properties: [String: String?]

    init(_ fields: EventFields) {
        type = fields.type
        id = fields.id
        occurredAt = fields.occurredAtMilliseconds
        receivedAt = fields.receivedAtMilliseconds
        source = fields.source
        sessionId = fields.sessionId
        properties = [:]
        for name in fields.kind.fieldRules.map(\.name) + ["unknown"] {
            properties[name] = .some(fields.string(name))
        }
    }
}
