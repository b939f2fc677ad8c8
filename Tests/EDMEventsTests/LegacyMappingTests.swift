import EDMEvents
import Foundation
import Testing

@Suite("Legacy payload mapping")
struct LegacyMappingTests {
    let parser = Fixture.parser

    func parse(_ payload: JSONValue, type: String? = "click") -> Result<EventEnvelope, ValidationFailure> {
        parser.parse(payload, type: type, source: .legacy, receivedAt: Fixture.receivedAt)
    }

    static func legacyClick(_ buttonId: String) -> JSONValue {
        [
            "topic": "edm-ui-click", "uuid": .string(Fixture.sessionId),
            "event_timestamp": .integer(Fixture.occurredAtMilliseconds),
            "properties": ["button_id": .string(buttonId), "description": "Add to cart"],
        ]
    }

    static let legacyPageLoad: JSONValue = [
        "topic": "edm-ui-pageload", "uuid": .string(Fixture.sessionId),
        "event_timestamp": .integer(Fixture.occurredAtMilliseconds),
        "properties": [
            "user_agent": .string(Fixture.iPhoneUserAgent), "url": "https://shop.example.com/products/1",
            "description": "Product page",
        ],
    ]

    @Test("a legacy click maps to the same envelope as the v1 request", arguments: Fixture.trickyButtonIds)
    func clickIntoEnvelope(buttonId: String) throws {
        let event = try parse(Self.legacyClick(buttonId)).get()
        let expected = Fixture.click(buttonId)
        #expect(event.properties(as: ClickProperties.self) == expected.properties(as: ClickProperties.self))
        #expect(event.sessionId == Fixture.sessionId)
        #expect(event.occurredAt == Fixture.occurredAt)
        #expect(event.receivedAt == Fixture.receivedAt)
        #expect(event.source == .legacy)
        #expect(event.extras == .none)
        #expect(event.id == Fixture.id)
    }

    @Test("legacy -> envelope -> Kafka bytes -> envelope -> legacy is the identity", arguments: Fixture.trickyButtonIds)
    func clickRoundTrip(buttonId: String) throws {
        let original = Self.legacyClick(buttonId)
        let event = try parse(original).get()
        #expect(event.legacyPayload() == original)
        let consumed = try EventEnvelope.decode(from: event.jsonData())
        #expect(consumed == event)
        #expect(consumed.legacyPayload() == original)
    }

    @Test("a legacy pageload round-trips and gains a deviceType")
    func pageLoadRoundTrip() throws {
        let event = try parse(Self.legacyPageLoad, type: "pageload").get()
        #expect(event.properties(as: PageLoadProperties.self)?.deviceType == .mobile)
        #expect(event.properties(as: PageLoadProperties.self)?.userAgent == Fixture.iPhoneUserAgent)
        #expect(try EventEnvelope.decode(from: event.jsonData()).legacyPayload() == Self.legacyPageLoad)
    }

    @Test("unknown keys, nulls and odd timestamps survive the round trip verbatim")
    func extrasPreserved() throws {
        let original: JSONValue = [
            "topic": "edm-ui-click", "uuid": "page-view-1", "event_timestamp": "1714564800123",
            "client": ["name": "storefront", "version": 3, "beta": true, "ratio": 0.25],
            "properties": [
                "button_id": "the-camper's-kit", "description": nil, "color": "red", "qty": 2,
                "tags": ["a", nil, 1.5], "big": 12_345_678_901_234_567,
            ],
        ]
        let event = try parse(original).get()
        #expect(event.occurredAt == Fixture.occurredAt)
        #expect(event.properties(as: ClickProperties.self) == ClickProperties(buttonId: "the-camper's-kit"))
        #expect(
            event.extras
                == EventExtras(
                    topLevel: [
                        "event_timestamp": "1714564800123",
                        "client": ["name": "storefront", "version": 3, "beta": true, "ratio": 0.25],
                    ],
                    properties: ["description": nil, "color": "red", "qty": 2, "tags": ["a", nil, 1.5], "big": 12_345_678_901_234_567]))
        #expect(event.legacyPayload() == original)
        let consumed = try EventEnvelope.decode(from: event.jsonData())
        #expect(consumed.legacyPayload() == original)
        // Byte-level: the rebuilt payload serializes exactly like the original value.
        #expect(consumed.legacyPayload().serialized() == original.serialized())
    }

    @Test("event_timestamp accepts numbers and numeric strings", arguments: [
        (JSONValue.integer(1_714_564_800_123), true), ("1714564800123", true), (1_714_564_800_123.9, true),
        ("1.714564800123e12", true), ("abc", false), ("", false), (true, false), (nil, false), ("0x1p3", false),
        ("inf", false), (1e300, false), (-1, false), (1, false),
    ])
    func timestampForms(value: JSONValue, valid: Bool) {
        var payload = Self.legacyClick("b").objectValue!
        payload["event_timestamp"] = value
        let result = parse(.object(payload))
        #expect((result.success != nil) == valid)
        if valid { #expect(result.success?.legacyPayload() == .object(payload)) }
        if !valid { #expect(result.failure?.violations.map(\.path) == ["event_timestamp"]) }
    }

    @Test("the route decides: a topic naming another type is a violation")
    func topicMismatch() {
        let failure = parse(Self.legacyClick("b"), type: "pageload").failure
        #expect(failure?.violations.contains(Violation(path: "topic", code: .notAllowed, message: #"must be "edm-ui-pageload" on this route"#)) == true)
    }

    @Test("without a route type the topic picks the kind")
    func topicPicksKind() {
        #expect(parse(Self.legacyPageLoad, type: nil).success?.type == "pageload")
        var payload = Self.legacyPageLoad.objectValue!
        payload["topic"] = "edm-ui-purchase"
        let topics = EventRegistry.standard.kinds.map { $0.topicBase }.joined(separator: ", ")
        #expect(
            parse(.object(payload), type: nil).failure?.violations.map(\.description)
                == [#"topic: unknown topic "edm-ui-purchase"; known topics: "# + topics])
        #expect(topics.hasPrefix("edm-ui-click, edm-ui-pageload"))
    }

    @Test("violations use the legacy keys, all at once")
    func legacyPaths() {
        let payload: JSONValue = [
            "uuid": "", "event_timestamp": "soon",
            "properties": ["button_id": 7, "description": ["x"]],
        ]
        let failure = parse(payload).failure
        #expect(
            Set(failure?.violations.map { "\($0.path) \($0.code.rawValue)" } ?? [])
                == [
                    "topic required", "uuid too_short", "event_timestamp invalid_format",
                    "properties.button_id wrong_type", "properties.description wrong_type",
                ])
    }

    @Test("the reference relay's crash case, missing properties, is a violation")
    func missingProperties() {
        var payload = Self.legacyClick("b").objectValue!
        payload["properties"] = nil
        #expect(parse(.object(payload)).failure?.violations == [Violation(path: "properties", code: .required, message: "is required")])
        payload["properties"] = nil as JSONValue
        #expect(parse(.object(payload)).failure?.violations.first?.code == .wrongType)
    }

    @Test("legacy keys with v1 names are not understood as such")
    func v1NamesInLegacy() throws {
        var payload = Self.legacyClick("b").objectValue!
        payload["properties"] = ["buttonId": "b"]
        #expect(parse(.object(payload)).failure?.violations.map(\.path) == ["properties.button_id"])
    }

    @Test("a v1 event has a legacy view too")
    func v1ToLegacy() {
        #expect(Fixture.click("the-camper's-kit").legacyPayload() == Self.legacyClick("the-camper's-kit"))
        #expect(Fixture.pageLoad().legacyPayload() == Self.legacyPageLoad)
    }

    @Test("parsing legacy bytes end to end", arguments: Fixture.trickyButtonIds)
    func fromBytes(buttonId: String) throws {
        let body = Self.legacyClick(buttonId).serialized()
        let event = try parser.parse(json: body, type: "click", source: .legacy, receivedAt: Fixture.receivedAt).get()
        #expect(event.properties(as: ClickProperties.self)?.buttonId == buttonId)
        #expect(event.legacyPayload().serialized() == body)
    }
}
