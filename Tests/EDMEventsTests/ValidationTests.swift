import EDMEvents
import Foundation
import Testing

@Suite("Inbound validation (v1 requests)")
struct ValidationTests {
    let parser = Fixture.parser

    func parse(_ body: [String: JSONValue], type: String? = "click") -> Result<EventEnvelope, ValidationFailure> {
        parser.parse(.object(body), type: type, source: .v1, receivedAt: Fixture.receivedAt)
    }

    func violations(_ body: [String: JSONValue], type: String? = "click") -> [String: Violation.Code] {
        let pairs = parse(body, type: type).failure?.violations.map { ($0.path, $0.code) } ?? []
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    @Test("a valid request becomes an envelope with relay fields filled in")
    func valid() throws {
        let event = try parse(Fixture.clickRequest).get()
        #expect(event == Fixture.click())
        #expect(event.source == .v1)
        #expect(event.receivedAt == Fixture.receivedAt)
    }

    @Test("a client-supplied id is kept; without one the relay assigns one")
    func ids() throws {
        var body = Fixture.clickRequest
        body["id"] = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        #expect(try parse(body).get().id == UUID(uuidString: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"))
        let assigning = EventParser()
        let first = try assigning.parse(.object(Fixture.clickRequest), type: "click", source: .v1, receivedAt: Fixture.receivedAt).get()
        let second = try assigning.parse(.object(Fixture.clickRequest), type: "click", source: .v1, receivedAt: Fixture.receivedAt).get()
        #expect(first.id != second.id)
    }

    @Test("every violated field is reported at once, with its path")
    func allViolationsAtOnce() {
        let body: [String: JSONValue] = [
            "id": "not-a-uuid",
            "occurredAt": "yesterday",
            "sessionId": "",
            "receivedAt": "2024-05-01T12:00:00Z",
            "colour": "red",
            "properties": ["buttonId": .string(String(repeating: "x", count: 201)), "description": 5, "size": "L"],
        ]
        #expect(
            violations(body) == [
                "id": .invalidFormat, "occurredAt": .invalidFormat, "sessionId": .tooShort,
                "receivedAt": .readOnly, "colour": .unknownField, "properties.buttonId": .tooLong,
                "properties.description": .wrongType, "properties.size": .unknownField,
            ])
    }

    @Test("missing required fields are each reported")
    func missing() {
        #expect(violations([:]) == ["occurredAt": .required, "sessionId": .required, "properties": .required])
        #expect(
            violations(["occurredAt": "2024-05-01T12:00:00Z", "sessionId": "s", "properties": [:]])
                == ["properties.buttonId": .required])
    }

    @Test("messages say what is expected")
    func messages() {
        var body = Fixture.clickRequest
        body["properties"] = ["buttonId": .string(String(repeating: "é", count: 201))]
        body["sessionId"] = 42
        let failure = parse(body).failure
        #expect(
            failure?.violations.sorted { $0.path < $1.path }.map(\.description) == [
                "properties.buttonId: must be at most 200 characters (got 201)",
                "sessionId: must be a string, not a number",
            ])
    }

    @Test("lengths count Unicode scalars, like JSON Schema")
    func lengthsInScalars() {
        var body = Fixture.clickRequest
        body["properties"] = ["buttonId": .string(String(repeating: "🏕", count: 200))]
        #expect(parse(body).success != nil)
        body["properties"] = ["buttonId": .string(String(repeating: "🏕", count: 201))]
        #expect(violations(body) == ["properties.buttonId": .tooLong])
    }

    @Test("the route decides the type; a different type in the payload is a violation")
    func routeDecides() {
        var body = Fixture.clickRequest
        body["type"] = "pageload"
        #expect(violations(body) == ["type": .notAllowed])
        body["type"] = "click"
        #expect(parse(body).success != nil)
    }

    @Test("without a route type the payload must name a known type, and the error lists them")
    func payloadType() {
        var body = Fixture.clickRequest
        #expect(violations(body, type: nil) == ["type": .required])
        body["type"] = "purchase"
        let failure = parse(body, type: nil).failure
        #expect(
            failure?.violations.map(\.description)
                == [#"type: unknown event type "purchase"; known types: "# + EventRegistry.standard.typeNames.joined(separator: ", ")])
        #expect(failure?.violations.first?.message.contains("known types: click, pageload") == true)
        body["type"] = "click"
        #expect(parse(body, type: nil).success?.type == "click")
    }

    @Test("unknown type still reports the other envelope violations")
    func unknownTypeAndMore() {
        var body = Fixture.clickRequest
        body["type"] = "purchase"
        body["sessionId"] = nil
        #expect(violations(body, type: nil) == ["type": .unknownType, "sessionId": .required])
    }

    @Test("fields the relay sets must not be sent", arguments: [
        ("receivedAt", JSONValue.string("2024-05-01T12:00:00Z")), ("source", "v1"), ("extras", [:]),
    ] as [(String, JSONValue)])
    func readOnly(field: String, value: JSONValue) {
        var body = Fixture.clickRequest
        body[field] = value
        #expect(violations(body) == [field: .readOnly])
    }

    @Test("deviceType is derived, never taken from the client")
    func deviceTypeDerived() throws {
        let body: [String: JSONValue] = [
            "occurredAt": "2024-05-01T12:00:00Z", "sessionId": "s",
            "properties": ["url": "https://a.example/", "userAgent": "curl/8.5.0", "deviceType": "desktop"],
        ]
        #expect(violations(body, type: "pageload") == ["properties.deviceType": .readOnly])
        var accepted = body
        accepted["properties"] = ["url": "https://a.example/", "userAgent": "curl/8.5.0"]
        let event = try parse(accepted, type: "pageload").get()
        #expect(event.properties(as: PageLoadProperties.self)?.deviceType == .bot)
    }

    @Test("url must be an absolute http(s) URL without whitespace", arguments: [
        ("https://shop.example.com/p?q=1", true), ("HTTP://SHOP.EXAMPLE", true), ("http://x", true),
        ("ftp://shop.example.com", false), ("/products/1", false), ("https://", false),
        ("https://shop.example.com/a b", false), ("", false),
    ])
    func urls(url: String, valid: Bool) {
        let body: [String: JSONValue] = [
            "occurredAt": "2024-05-01T12:00:00Z", "sessionId": "s",
            "properties": ["url": .string(url), "userAgent": ""],
        ]
        #expect((parse(body, type: "pageload").success != nil) == valid)
    }

    @Test("control characters are rejected; apostrophes, commas, dots and non-ASCII are fine", arguments: [
        ("the-camper's-kit", true), ("bunum-wo-aa,-papua-new-guinea", true), ("msr-reactor-2.5l-stove-system", true),
        ("zürich \"quoted\" <b>", true), ("line\nbreak", false), ("trailing\n", false), ("nul\u{0}", false),
        ("del\u{7F}", false), ("tab\there", false),
    ])
    func controlCharacters(buttonId: String, valid: Bool) {
        var body = Fixture.clickRequest
        body["properties"] = ["buttonId": .string(buttonId)]
        #expect((parse(body).success != nil) == valid)
    }

    @Test("occurredAt must lie between 2000 and receivedAt plus the allowed skew")
    func timeWindow() {
        func code(_ occurredAt: String, limits: ValidationLimits = .default) -> Violation.Code? {
            var body = Fixture.clickRequest
            body["occurredAt"] = .string(occurredAt)
            return EventParser(limits: limits).parse(.object(body), type: "click", source: .v1, receivedAt: Fixture.receivedAt)
                .failure?.violations.first { $0.path == "occurredAt" }?.code
        }
        #expect(code("1999-12-31T23:59:59.999Z") == .outOfRange)
        #expect(code("2000-01-01T00:00:00.000Z") == nil)
        #expect(code("2024-05-02T12:00:00.456Z") == nil)  // exactly 24 h ahead
        #expect(code("2024-05-02T12:00:00.457Z") == .outOfRange)
        #expect(code("2024-05-01T13:00:00.000Z", limits: ValidationLimits(maxFutureSkew: 60)) == .outOfRange)
        #expect(code("2024-02-30T00:00:00Z") == .invalidFormat)
    }

    @Test("offsets are normalized to UTC")
    func offsets() throws {
        var body = Fixture.clickRequest
        body["occurredAt"] = "2024-05-01T14:00:00.123456+02:00"
        #expect(try parse(body).get().occurredAt == Fixture.occurredAt)
    }

    @Test("schemaVersion may be omitted or 1, nothing else")
    func schemaVersion() {
        var body = Fixture.clickRequest
        body["schemaVersion"] = 1
        #expect(parse(body).success != nil)
        body["schemaVersion"] = 2
        #expect(violations(body) == ["schemaVersion": .outOfRange])
        body["schemaVersion"] = "1"
        #expect(violations(body) == ["schemaVersion": .wrongType])
    }

    @Test("null is not a value for optional v1 fields")
    func nullOptional() {
        var body = Fixture.clickRequest
        body["properties"] = ["buttonId": "b", "description": nil]
        #expect(violations(body) == ["properties.description": .wrongType])
    }

    @Test("keys that are not identifiers are quoted in paths")
    func quotedPaths() {
        var body = Fixture.clickRequest
        body["properties"] = ["buttonId": "b", "the-camper's-kit": 1, "a.b": 2]
        #expect(Set(violations(body).keys) == [#"properties["the-camper's-kit"]"#, #"properties["a.b"]"#])
    }

    @Test("batch elements prefix their paths with the index")
    func batchPrefix() {
        let violation = Violation(path: "properties.buttonId", code: .required, message: "is required")
        #expect(violation.prefixed(byIndex: 3).path == "[3].properties.buttonId")
        #expect(Violation(path: "", code: .wrongType, message: "x").prefixed(byIndex: 0).path == "[0]")
        #expect(Violation(path: "[1]", code: .wrongType, message: "x").prefixed(byIndex: 2).path == "[2][1]")
    }

    @Test("the document must be an object")
    func notAnObject() {
        let failure = parser.parse(json: Fixture.json("[1,2]"), type: "click", source: .v1, receivedAt: Fixture.receivedAt).failure
        #expect(failure?.violations == [Violation(path: "", code: .wrongType, message: "an event must be a JSON object, not array")])
    }

    @Test("malformed JSON reports the byte position")
    func malformed() {
        let result = parser.parse(
            json: Fixture.json(#"{"sessionId": "s",, }"#), type: "click", source: .v1, receivedAt: Fixture.receivedAt)
        guard case .malformedJSON(let error)? = result.failure else {
            Issue.record("expected malformedJSON, got \(result)")
            return
        }
        #expect(error.offset == 18)
        #expect(result.failure?.violations.first?.code == .malformedJSON)
        #expect(result.failure?.description == #"malformed JSON at byte 18: expected a string key, found ','"#)
    }

    @Test("oversized input is refused before parsing")
    func tooLarge() {
        let limits = ValidationLimits(maxEventBytes: 100)
        let result = EventParser(limits: limits).parse(
            json: Data(repeating: 0x20, count: 101), type: "click", source: .v1, receivedAt: Fixture.receivedAt)
        #expect(result.failure == .tooLarge(bytes: 101, limit: 100))
    }

    @Test("an unregistered route type is reported, not trapped on")
    func unknownRouteType() {
        #expect(violations(Fixture.clickRequest, type: "purchase")["type"] == .unknownType)
    }
}
