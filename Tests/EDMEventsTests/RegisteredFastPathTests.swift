@testable import EDMEvents
import Foundation
import Testing

/// The registered types' byte-level fast path gives the same events as the general path
/// wherever it accepts, and defers (nil) whatever the general path refuses.
@Suite("Registered fast path agrees with the general path")
struct RegisteredFastPathTests {
    static let body: JSONValue = [
        "schema": [
            "type": "object", "required": ["accountId", "plan"],
            "properties": [
                "accountId": ["type": "string", "minLength": 1, "maxLength": 8],
                "plan": ["enum": ["free", "pro", "é"]],
                "seats": ["type": "integer", "minimum": 1, "maximum": 500],
                "amount": ["type": "number", "maximum": 10],
                "trial": ["type": "boolean"],
                "startedAt": ["type": "string", "format": "date-time"],
                "contact": ["type": "string", "format": "email"],
                "ref": ["type": "string", "format": "uuid"],
            ],
        ],
        "owner": "o", "description": "d", "keyField": "accountId",
    ]

    let compiled: CompiledType
    let parser = RegisteredEventParser(makeID: { UUID(uuidString: "0b0e2c4e-1111-4a5e-9a4b-2f7a4f1c9d3e")! })
    let received = Date(timeIntervalSince1970: 1_714_564_800.25)

    init() throws {
        let registration = try TypeRegistration.parse(Self.body, name: "signup", defaultPartitions: 1)
        compiled = CompiledType(
            RegisteredType(
                name: "signup", version: 3, schema: registration.schema, owner: "o", description: "d", keyField: "accountId",
                countBy: [], partitions: 1, registeredAt: Date()))
    }

    func fast(_ text: String) -> [RegisteredEvent]? {
        parser.encodeRequest(Data(text.utf8), receivedAt: received, maxEvents: 3) { $0 == "signup" ? compiled : nil }
    }

    func general(_ text: String) -> [RegisteredEvent]? {
        guard let root = try? JSONValue.parse(Data(text.utf8)) else { return nil }
        let elements = root.arrayValue ?? [root]
        var events: [RegisteredEvent] = []
        for element in elements {
            guard case .success(let event) = parser.parse(element, as: compiled, receivedAt: received) else { return nil }
            events.append(event)
        }
        return events
    }

    static func event(_ properties: String, extra: String = "") -> String {
        #"{"type": "signup", "occurredAt": "2024-05-01T12:00:00.000Z", "sessionId": "s-1"\#(extra), "properties": {\#(properties)}}"#
    }

    @Test(arguments: [
        event(#""accountId": "a1", "plan": "pro""#),
        event(#""plan": "é", "accountId": "ü", "seats": 500, "amount": -3, "trial": false"#),
        event(#""accountId": "a1", "plan": "free", "startedAt": "2024-05-01T12:00:00Z", "contact": "a@b.io""#,
              extra: #", "id": "3F2A6C1E-8B4D-4F0A-9C7E-5D1B2A3C4E5F", "schemaVersion": 1"#),
        event(#""accountId": "a1", "plan": "pro", "ref": "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f", "trial": true"#),
        "[" + event(#""accountId": "a1", "plan": "pro""#) + ", " + event(#""accountId": "a2", "plan": "free""#) + "]",
    ])
    func sameEventsWhereTheFastPathAccepts(_ text: String) throws {
        let viaFast = try #require(self.fast(text))
        let viaGeneral = try #require(self.general(text))
        #expect(viaFast == viaGeneral)
        #expect(viaFast.first?.typeVersion == 3)
        #expect(viaFast.first.map { String(decoding: $0.key, as: UTF8.self).hasPrefix("a") || $0.key == Array("ü".utf8) } == true)
    }

    @Test(arguments: [
        event(#""accountId": "a1""#),  // plan required
        event(#""accountId": "a1", "plan": "gold""#),
        event(#""accountId": "", "plan": "pro""#),
        event(#""accountId": "a123456789", "plan": "pro""#),
        event(#""accountId": "a1", "plan": "pro", "seats": 0"#),
        event(#""accountId": "a1", "plan": "pro", "seats": 1.5"#),
        event(#""accountId": "a1", "plan": "pro", "amount": 11"#),
        event(#""accountId": "a1", "plan": "pro", "trial": "yes""#),
        event(#""accountId": "a1", "plan": "pro", "extra": 1"#),
        event(#""accountId": "a1", "plan": "pro", "contact": "nope""#),
        event(#""accountId": "a1", "plan": "pro", "ref": "3f2a6c1e""#),
        event(#""accountId": "a1", "plan": "pro", "startedAt": "yesterday""#),
        event(#""accountId": "a1", "accountId": "a2", "plan": "pro""#),
        event(#""accountId": "a1", "plan": "pro""#, extra: #", "receivedAt": "2024-05-01T12:00:00.000Z""#),
        event(#""accountId": "a1", "plan": "pro""#, extra: #", "id": "65646d72-0000-8000-8000-000000000000""#),
        #"{"type": "other", "occurredAt": "2024-05-01T12:00:00.000Z", "sessionId": "s", "properties": {}}"#,
        #"{"type": "signup", "occurredAt": "1999-05-01T12:00:00.000Z", "sessionId": "s", "properties": {"accountId": "a", "plan": "pro"}}"#,
    ])
    func defersWhatTheGeneralPathRefuses(_ text: String) {
        #expect(fast(text) == nil)
    }

    @Test func defersUnusualButValidShapesToTheGeneralPath() {
        let escaped = Self.event(#""accountId": "a\u0031", "plan": "pro""#)
        #expect(fast(escaped) == nil)
        #expect(general(escaped) != nil)
        let decimal = Self.event(#""accountId": "a1", "plan": "pro", "amount": 2.5"#)
        #expect(fast(decimal) == nil)
        #expect(general(decimal) != nil)
    }
}
