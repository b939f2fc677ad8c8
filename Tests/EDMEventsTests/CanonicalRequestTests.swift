@testable import EDMEvents
import Foundation
import Testing

/// `EventParser.encodeRequest` reads v1 request bodies on a byte-level fast path and writes
/// envelopes directly; whatever it refuses goes to the general path (parse the JSON tree, check
/// the rules, build an envelope, serialize it). These tests prove that wherever the fast path
/// accepts, the general path accepts too and gives the same bytes, keys, ids and canonical body,
/// and that the fast path refuses whatever the general path refuses.
@Suite("Request fast path agrees with the general parser")
struct CanonicalRequestTests {
    let parser = Fixture.parser
    let maxEvents = 5

    struct Outcome: Equatable {
        var events: [Event]
        var isBatch: Bool
        var canonicalBody: [UInt8]?

        struct Event: Equatable {
            var type: String
            var id: UUID
            var key: [UInt8]
            var json: [UInt8]
        }

        init(_ request: EncodedRequest) {
            events = request.events.map { Event(type: $0.type, id: $0.id, key: $0.key, json: $0.json) }
            isBatch = request.isBatch
            canonicalBody = request.canonicalBody
        }

        init(events: [EncodedEvent], isBatch: Bool, canonicalBody: [UInt8]?) {
            self.events = events.map { Event(type: $0.type, id: $0.id, key: $0.key, json: $0.json) }
            self.isBatch = isBatch
            self.canonicalBody = canonicalBody
        }
    }

    /// The ids an Idempotency-Key derives (the relay's formula, inlined).
    static func derive(_ index: Int, _ content: [UInt8]) -> UUID {
        DerivedEventID.make(namespace: "test-key", ["k", String(index), String(decoding: content, as: UTF8.self)])
    }

    /// The general path alone, as the relay runs it; nil when it refuses the body.
    func general(_ body: Data, derive: Bool = false) -> Outcome? {
        guard let root = try? JSONValue.parse(body, maxRootArrayElements: maxEvents) else { return nil }
        let elements: [JSONValue]
        let isBatch: Bool
        if case .array(let array) = root {
            guard !array.isEmpty else { return nil }
            elements = array
            isBatch = true
        } else {
            elements = [root]
            isBatch = false
        }
        var events: [EncodedEvent] = []
        for (index, element) in elements.enumerated() {
            guard var envelope = parser.parse(element, type: nil, source: .v1, receivedAt: Fixture.receivedAt).success
            else { return nil }
            if derive, element["id"] == nil {
                envelope = envelope.withID(Self.derive(index, element.serializedBytes()))
            }
            let event = EncodedEvent(envelope)
            guard event.json.count <= parser.limits.maxEventBytes else { return nil }
            events.append(event)
        }
        return Outcome(events: events, isBatch: isBatch, canonicalBody: derive ? root.serializedBytes() : nil)
    }

    func fast(_ body: Data, derive: Bool = false) -> Outcome? {
        var deriveID: ((Int, [UInt8]) -> UUID)?
        if derive { deriveID = { index, content in Self.derive(index, content) } }
        return parser.encodeRequest(body, receivedAt: Fixture.receivedAt, maxEvents: maxEvents, deriveID: deriveID)
            .map { Outcome($0) }
    }

    /// Asserts agreement on `body` (with and without derived ids); returns whether the fast
    /// path accepted it.
    @discardableResult
    func expectAgreement(_ body: Data, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        var accepted = false
        for derive in [false, true] {
            guard let fastOutcome = fast(body, derive: derive) else { continue }
            accepted = true
            #expect(general(body, derive: derive) == fastOutcome, comment, sourceLocation: sourceLocation)
        }
        return accepted
    }

    func body(_ value: JSONValue) -> Data { value.serialized() }

    static let pageLoadRequest: [String: JSONValue] = [
        "type": "pageload", "occurredAt": "2024-05-01T12:00:00.123Z", "sessionId": "s-1",
        "properties": ["url": "https://shop.example.com/products/1", "userAgent": .string(Fixture.iPhoneUserAgent)],
    ]

    var click: [String: JSONValue] {
        var request = Fixture.clickRequest
        request["type"] = "click"
        return request
    }

    @Test("what clients send takes the fast path and gives the general path's envelopes")
    func validRequests() {
        var requests: [[String: JSONValue]] = [click, Self.pageLoadRequest]
        for buttonId in Fixture.trickyButtonIds + ["é", "👍🏽", "🇩🇪", "日本語のボタン", "zürich <b>", String(repeating: "🏕", count: 200)] {
            var request = click
            request["properties"] = ["buttonId": .string(buttonId), "description": .string("ü \(buttonId)")]
            requests.append(request)
        }
        for userAgent in ["", "curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64)", "Googlebot/2.1", "Mozilla/5.0 (iPad; CPU OS 17_4)"] {
            var request = Self.pageLoadRequest
            request["properties"] = ["url": "HTTP://SHOP.EXAMPLE", "userAgent": .string(userAgent), "description": "d"]
            requests.append(request)
        }
        var withID = click
        withID["id"] = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
        withID["schemaVersion"] = 1
        requests.append(withID)
        for time in ["2024-05-01T12:00:00Z", "2024-05-01T14:00:00.1239+02:00", "2000-01-01T00:00:00Z", "2024-05-02T12:00:00.456Z"] {
            var request = click
            request["occurredAt"] = .string(time)
            requests.append(request)
        }
        for request in requests {
            #expect(expectAgreement(body(.object(request))), "\(JSONValue.object(request))")
        }
        let batch = JSONValue.array(requests.prefix(maxEvents).map(JSONValue.object))
        #expect(expectAgreement(body(batch)))
        #expect(expectAgreement(body([.object(click)])))
    }

    /// The fast path copies the properties of kinds without derived fields as sent, which holds
    /// while a kind's `fieldValues` repeat its client fields unchanged: checked for every kind.
    @Test("every registered kind's example request takes the fast path and agrees")
    func everyKind() {
        for kind in EventRegistry.standard.kinds {
            let derived = Set(kind.fieldRules.filter { $0.request == .forbidden }.map(\.name))
            let properties = kind.example.fieldValues.filter { !derived.contains($0.key) }
            let request: JSONValue = [
                "type": .string(kind.eventType), "occurredAt": "2024-05-01T12:00:00.123Z", "sessionId": "s",
                "properties": .object(properties),
            ]
            #expect(expectAgreement(body(request)), "\(kind.eventType)")
        }
    }

    @Test("whitespace and any key order are read; the bytes out are canonical")
    func layouts() throws {
        let text = #"""
             [ {"properties" : { "description":"Add to cart" , "buttonId" : "b" } ,
               "sessionId":"s" , "occurredAt":"2024-05-01T12:00:00.123Z", "type":"click", "schemaVersion" : 1 }
             ,{"type":"click","sessionId":"t","properties":{"buttonId":"c"},"occurredAt":"2024-05-01T12:00:00Z"}	]
            """#
        #expect(expectAgreement(Data(text.utf8)))
        let outcome = try #require(fast(Data(text.utf8)))
        #expect(
            String(decoding: outcome.events[0].json, as: UTF8.self)
                == #"{"id":"3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f","occurredAt":"2024-05-01T12:00:00.123Z","properties":{"buttonId":"b","description":"Add to cart"},"receivedAt":"2024-05-01T12:00:00.456Z","schemaVersion":1,"sessionId":"s","source":"v1","type":"click"}"#)
        #expect(outcome.events.map(\.key) == [Array("s".utf8), Array("t".utf8)])
    }

    @Test("the fast path's envelopes decode back to what the general parser builds")
    func decodesBack() throws {
        let outcome = try #require(fast(body(.array([.object(click), .object(Self.pageLoadRequest)]))))
        for event in outcome.events {
            let decoded = try EventEnvelope.decode(from: Data(event.json))
            #expect(decoded.jsonValue.serializedBytes() == event.json)
            #expect(decoded.id == event.id)
        }
    }

    @Test("ids: a client's id is kept, the others come from makeID or the derivation")
    func ids() throws {
        var withID = click
        withID["id"] = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        let data = body(.array([.object(withID), .object(click), .object(click)]))
        let assigned = try #require(EventParser().encodeRequest(data, receivedAt: Fixture.receivedAt, maxEvents: 5))
        #expect(assigned.events[0].id == UUID(uuidString: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"))
        #expect(assigned.events[1].id != assigned.events[2].id)
        let derived = try #require(fast(data, derive: true))
        #expect(derived.events[0].id == UUID(uuidString: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"))
        #expect(derived.events[1].id != derived.events[2].id)  // same content, another place
        #expect(derived == fast(data, derive: true))
        #expect(derived.canonicalBody == body(.array([.object(withID), .object(click), .object(click)])).map { $0 })
    }

    @Test("whatever the general path refuses, the fast path refuses too")
    func refusals() {
        var cases: [JSONValue] = [[], .array(Array(repeating: .object(click), count: maxEvents + 1)), "click", 1, [1], [[:]], [:]]
        for key in click.keys {
            var missing = click
            missing[key] = nil
            cases.append(.object(missing))
            for wrong: JSONValue in [.null, true, 1, 1.5, "", [], ["a": "b"], [1]] {
                var changed = click
                changed[key] = wrong
                cases.append(.object(changed))
            }
        }
        for (key, value) in [
            ("receivedAt", JSONValue.string("2024-05-01T12:00:00Z")), ("source", "v1"), ("extras", [:]), ("colour", "red"),
            ("schemaVersion", 2), ("schemaVersion", 0), ("id", "not-a-uuid"), ("id", "3f2a6c1e8b4d4f0a9c7e5d1b2a3c4e5f"),
            ("type", "purchase"), ("sessionId", .string(String(repeating: "s", count: 129))),
            ("occurredAt", "1999-12-31T23:59:59.999Z"), ("occurredAt", "2024-05-02T12:00:00.457Z"), ("occurredAt", "2024-02-30T00:00:00Z"),
        ] {
            var changed = click
            changed[key] = value
            cases.append(.object(changed))
        }
        for properties: JSONValue in [
            [:], ["buttonId": ""], ["buttonId": .string(String(repeating: "x", count: 201))], ["buttonId": 5],
            ["buttonId": "b", "size": "L"], ["buttonId": "b", "description": .null], ["buttonId": "del\u{7F}"],
        ] {
            var changed = click
            changed["properties"] = properties
            cases.append(.object(changed))
        }
        for properties: JSONValue in [
            ["url": "ftp://x", "userAgent": ""], ["url": "https://a b", "userAgent": ""], ["url": "https://", "userAgent": ""],
            ["url": "https://a", "userAgent": "", "deviceType": "desktop"], ["url": "https://a"],
        ] {
            var changed = Self.pageLoadRequest
            changed["properties"] = properties
            cases.append(.object(changed))
        }
        for value in cases {
            let data = body(value)
            #expect(!expectAgreement(data), "\(value)")
            #expect(general(data) == nil, "\(value)")
        }
    }

    @Test("escapes, numbers, duplicates, a byte order mark and trailing bytes go to the general path")
    func generalPathShapes() {
        let text = String(decoding: body(.object(click)), as: UTF8.self)
        let variants = [
            text.replacingOccurrences(of: "Add to cart", with: #"Add \"to\" cart"#),
            text.replacingOccurrences(of: "Add to cart", with: #"caf\u00e9"#),
            text.replacingOccurrences(of: #""type":"click""#, with: #""type":"click","schemaVersion":1.0"#),
            text.replacingOccurrences(of: #""type":"click""#, with: #""type":"click","schemaVersion":1e0"#),
            "\u{FEFF}" + text,
        ]
        for variant in variants {
            let data = Data(variant.utf8)
            #expect(fast(data) == nil, "\(variant)")
            #expect(general(data) != nil, "\(variant)")
        }
        for broken in [
            text.replacingOccurrences(of: #""type":"click""#, with: #""type":"click","type":"click""#),
            text.replacingOccurrences(of: #""buttonId""#, with: #""buttonId":"x","buttonId""#),
            text + "}", text + "x", String(text.dropLast()), "[" + text, "[" + text + ",]", "[" + text + "," + text,
        ] {
            #expect(!expectAgreement(Data(broken.utf8)), "\(broken)")
            #expect(general(Data(broken.utf8)) == nil, "\(broken)")
        }
    }

    @Test("an event over maxEventBytes as stored is refused by both paths")
    func eventSize() {
        let parser = EventParser(limits: ValidationLimits(maxEventBytes: 400), makeID: { Fixture.id })
        var request = click
        request["properties"] = ["buttonId": "b", "description": .string(String(repeating: "d", count: 100))]
        #expect(parser.encodeRequest(body(.object(request)), receivedAt: Fixture.receivedAt, maxEvents: 1) != nil)
        request["properties"] = ["buttonId": "b", "description": .string(String(repeating: "d", count: 200))]
        #expect(parser.encodeRequest(body(.object(request)), receivedAt: Fixture.receivedAt, maxEvents: 1) == nil)
    }

    @Test("raw bytes: valid UTF-8 is read, ill-formed UTF-8 and control bytes are refused")
    func rawBytes() {
        let prefix = Array(#"{"type":"click","occurredAt":"2024-05-01T12:00:00Z","sessionId":"s","properties":{"buttonId":"a"#.utf8)
        let suffix = Array(#""}}"#.utf8)
        for bytes: [UInt8] in [[0xC3, 0xA9], [0xF0, 0x9F, 0x91, 0x8D], [0xEF, 0xBF, 0xBF], [0xC2, 0x80]] {
            #expect(expectAgreement(Data(prefix + bytes + suffix)), "\(bytes)")
        }
        for bytes: [UInt8] in [[0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x00], [0x0A], [0x7F]] {
            #expect(!expectAgreement(Data(prefix + bytes + suffix)), "\(bytes)")
        }
        let session = Array(#"{"type":"click","occurredAt":"2024-05-01T12:00:00Z","properties":{"buttonId":"a"},"sessionId":""#.utf8)
        #expect(!expectAgreement(Data(session + [0xC0, 0xAF] + suffix.dropFirst())))
        #expect(expectAgreement(Data(session + [0xC3, 0xA9] + Array(#""}"#.utf8))))
    }

    @Test("random corruptions and truncations of valid requests agree")
    func mutations() {
        var generator = SeededGenerator(seed: 0x4E9)
        let interesting: [UInt8] = Array(#"{}[]",:\ 019aAfF-+.TZzeé"#.utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xFF]
        let bodies = [
            body(.object(click)), body(.object(Self.pageLoadRequest)), body([.object(click), .object(Self.pageLoadRequest)]),
        ]
        for data in bodies {
            #expect(expectAgreement(data))
            for length in 0..<data.count {
                #expect(!expectAgreement(data.prefix(length)))
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
}
