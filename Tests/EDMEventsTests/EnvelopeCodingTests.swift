import EDMEvents
import Foundation
import Testing

@Suite("Envelope encoding and decoding")
struct EnvelopeCodingTests {
    @Test("a click encodes to exactly the documented JSON, keys sorted")
    func clickShape() {
        let json = String(decoding: Fixture.click().jsonData(), as: UTF8.self)
        #expect(
            json
                == #"{"id":"3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f","occurredAt":"2024-05-01T12:00:00.123Z","#
                + #""properties":{"buttonId":"the-camper's-kit","description":"Add to cart"},"#
                + #""receivedAt":"2024-05-01T12:00:00.456Z","schemaVersion":1,"#
                + #""sessionId":"b7e0c7a0-07a8-11ef-9a3e-0242ac120002","source":"v1","type":"click"}"#)
    }

    @Test("a pageload carries the derived deviceType")
    func pageLoadShape() throws {
        let value = try JSONValue.parse(Fixture.pageLoad().jsonData())
        #expect(
            value["properties"]
                == [
                    "url": "https://shop.example.com/products/1", "userAgent": .string(Fixture.iPhoneUserAgent),
                    "description": "Product page", "deviceType": "mobile",
                ])
        #expect(value["type"] == "pageload")
    }

    @Test("encode then decode gives an equal envelope", arguments: [
        Fixture.click(), Fixture.click("msr-reactor-2.5l-stove-system", description: nil), Fixture.pageLoad(),
        Fixture.pageLoad(userAgent: ""),
    ])
    func roundTrip(event: EventEnvelope) throws {
        let decoded = try EventEnvelope.decode(from: event.jsonData())
        #expect(decoded == event)
        #expect(decoded.hashValue == event.hashValue)
        #expect(decoded.jsonData() == event.jsonData())
    }

    @Test("typed access returns the properties only for their own type")
    func typedAccess() {
        let event = Fixture.click()
        #expect(event.properties(as: ClickProperties.self)?.buttonId == "the-camper's-kit")
        #expect(event.properties(as: PageLoadProperties.self) == nil)
        #expect(event.type == "click")
        #expect(ObjectIdentifier(event.kind) == ObjectIdentifier(ClickProperties.self))
        #expect(event.partitionKey == Fixture.sessionId)
    }

    @Test("envelopes of different types or ids are not equal")
    func inequality() {
        #expect(Fixture.click() != Fixture.pageLoad())
        #expect(Fixture.click("a") != Fixture.click("b"))
        #expect(Fixture.click(description: nil) != Fixture.click(description: ""))
    }

    @Test("dates are held at millisecond precision, rounded")
    func millisecondPrecision() throws {
        let precise = Date(timeIntervalSince1970: 1_714_564_800.122_6)
        let event = EventEnvelope(
            occurredAt: precise, receivedAt: precise, sessionId: "s", properties: ClickProperties(buttonId: "b"))
        #expect(EventTimestamp.string(from: event.occurredAt) == "2024-05-01T12:00:00.123Z")
        #expect(try EventEnvelope.decode(from: event.jsonData()) == event)
    }

    @Test("Codable bridges to the same JSON and the same strict rules")
    func codableBridge() throws {
        struct Frame: Codable, Equatable {
            var sequence: Int
            var event: EventEnvelope
        }
        let frame = Frame(sequence: 7, event: Fixture.pageLoad())
        let data = try EventJSON.makeEncoder().encode(frame)
        #expect(try EventJSON.makeDecoder().decode(Frame.self, from: data) == frame)
        let embedded = try JSONValue.parse(data)["event"]
        #expect(embedded == frame.event.jsonValue)

        let broken = Data(#"{"sequence":1,"event":{"type":"click"}}"#.utf8)
        #expect(throws: DecodingError.self) { try EventJSON.makeDecoder().decode(Frame.self, from: broken) }
    }

    @Test("the shared JSONEncoder writes an event with the same bytes as jsonData()")
    func encoderMatchesCanonicalBytes() throws {
        for event in [Fixture.click(), Fixture.pageLoad()] {
            #expect(try EventJSON.makeEncoder().encode(event) == EventJSON.encode(event))
        }
    }

    @Test("EventJSON's encoder writes dates like the envelope does")
    func encoderDates() throws {
        struct Row: Codable { var day: Date }
        let data = try EventJSON.makeEncoder().encode(Row(day: Fixture.occurredAt))
        #expect(String(decoding: data, as: UTF8.self) == #"{"day":"2024-05-01T12:00:00.123Z"}"#)
        let row = try EventJSON.makeDecoder().decode(Row.self, from: Data(#"{"day":"2024-05-01T14:00:00.123+02:00"}"#.utf8))
        #expect(row.day == Fixture.occurredAt)
    }

    @Test("an unknown type is a typed error that lists the known types")
    func unknownType() throws {
        var value = Fixture.click().jsonValue.objectValue!
        value["type"] = "purchase"
        let error = #expect(throws: EventDecodingError.self) {
            try EventEnvelope.decode(from: JSONValue.object(value).serialized())
        }
        #expect(error == .unknownType("purchase", known: EventRegistry.standard.typeNames))
        #expect(
            error?.description
                == #"unknown event type "purchase"; known types: "# + EventRegistry.standard.typeNames.joined(separator: ", "))
        #expect(error?.description.hasPrefix(#"unknown event type "purchase"; known types: click, pageload"#) == true)
    }

    @Test("a newer schemaVersion is reported as such, not as garbage")
    func newerSchemaVersion() {
        var value = Fixture.click().jsonValue.objectValue!
        value["schemaVersion"] = 2
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(2)) {
            try EventEnvelope.decode(from: JSONValue.object(value).serialized())
        }
    }

    @Test("decoding reports every invalid field of a stored envelope")
    func decodeInvalid() {
        var value = Fixture.pageLoad().jsonValue.objectValue!
        value["receivedAt"] = nil
        value["source"] = "v2"
        value["properties"] = ["url": "https://x.example", "userAgent": "curl/8.0", "deviceType": "phone"]
        value["extra"] = true
        let error = #expect(throws: EventDecodingError.self) {
            try EventEnvelope.decode(from: JSONValue.object(value).serialized())
        }
        guard case .invalid(let failure) = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return
        }
        #expect(
            Set(failure.violations.map { "\($0.path) \($0.code.rawValue)" })
                == ["receivedAt required", "source not_allowed", "properties.deviceType not_allowed", "extra unknown_field"])
    }

    @Test("an envelope of a kind registered elsewhere is unknown to a smaller registry")
    func registryScoped() {
        let clicksOnly = EventRegistry([ClickProperties.self])
        #expect(throws: EventDecodingError.unknownType("pageload", known: ["click"])) {
            try EventEnvelope.decode(from: Fixture.pageLoad().jsonData(), registry: clicksOnly)
        }
    }
}
