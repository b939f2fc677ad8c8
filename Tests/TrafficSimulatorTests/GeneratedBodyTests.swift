import EDMEvents
import Foundation
import Testing
import TrafficSimulator

/// Every body the simulator generates must be one the relay accepts: parsed here by the same
/// `EventParser` the relay uses, in both the v1 and the legacy form.
@Suite struct GeneratedBodyTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000.250)
    static var nowMilliseconds: Int64 { Int64((now.timeIntervalSince1970 * 1000).rounded()) }

    static func events(count: Int, legacyShare: Double, seed: UInt64 = 7) -> [StorefrontEvent] {
        var model = TrafficModel(concurrentSessions: 8, legacyShare: legacyShare, seed: seed)
        return (0..<count).map { _ in model.nextEvent(nowMilliseconds: nowMilliseconds) }
    }

    @Test func v1BodiesParseAsTheEventsTheyDescribe() throws {
        let events = Self.events(count: 400, legacyShare: 0)
        #expect(!events.contains { $0.legacy })
        for event in events {
            let body = EventBody.v1(event)
            let envelope = try EventParser().parse(json: Data(body.utf8), type: nil, source: .v1, receivedAt: Self.now).get()
            #expect(envelope.id.uuidString.lowercased() == event.id)
            #expect(envelope.type == event.kind.rawValue)
            #expect(envelope.sessionId == event.sessionID)
            #expect(Int64((envelope.occurredAt.timeIntervalSince1970 * 1000).rounded()) == event.occurredAtMilliseconds)
            try expectProperties(envelope, match: event)
        }
    }

    @Test func legacyBodiesParseThroughTheReferencePayload() throws {
        let events = Self.events(count: 400, legacyShare: 1)
        #expect(events.allSatisfy { $0.legacy })
        for event in events {
            let body = try #require(EventBody.legacy(event))
            let envelope = try EventParser().parse(json: Data(body.utf8), type: nil, source: .legacy, receivedAt: Self.now).get()
            #expect(envelope.type == event.kind.rawValue)
            #expect(envelope.source == .legacy)
            try expectProperties(envelope, match: event)
        }
    }

    @Test func bothKindsAndAllDevicesOccur() throws {
        let events = Self.events(count: 2000, legacyShare: 0)
        let kinds = Set(events.map(\.kind))
        #expect(kinds == [.click, .pageload])  // no signups unless a share is set
        var devices = Set<DeviceType>()
        for event in events where event.kind == .pageload {
            let envelope = try EventParser().parse(
                json: Data(EventBody.v1(event).utf8), type: nil, source: .v1, receivedAt: Self.now
            ).get()
            devices.insert(try #require(envelope.properties as? PageLoadProperties).deviceType)
        }
        #expect(devices.count >= 3, "device breakdown needs variety, got \(devices)")
    }

    @Test func stringsWithQuotesAndControlCharactersAreEscaped() throws {
        let event = StorefrontEvent(
            id: "6f1c1f5e-8f65-4d9b-9d7e-2b9f3f0f4a11", sessionID: "s\"1\\", occurredAtMilliseconds: Self.nowMilliseconds,
            payload: .click(buttonID: "a\"b\\c\nd\u{1}é😀", description: "tab\there"), legacy: false)
        let parsed = try JSONSerialization.jsonObject(with: Data(EventBody.v1(event).utf8)) as? [String: Any]
        let properties = try #require(parsed?["properties"] as? [String: Any])
        #expect(properties["buttonId"] as? String == "a\"b\\c\nd\u{1}é😀")
        #expect(properties["description"] as? String == "tab\there")
        #expect(parsed?["sessionId"] as? String == "s\"1\\")
    }

    @Test func timestampsAreRFC3339InUTCWithMilliseconds() {
        #expect(EventBody.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(EventBody.rfc3339(milliseconds: 1_795_435_530_123) == "2026-11-23T12:05:30.123Z")
        #expect(EventBody.rfc3339(milliseconds: 951_782_400_007) == "2000-02-29T00:00:00.007Z")
    }

    private func expectProperties(_ envelope: EventEnvelope, match event: StorefrontEvent) throws {
        switch event.payload {
        case .click(let buttonID, let description):
            let click = try #require(envelope.properties as? ClickProperties)
            #expect(click.buttonId == buttonID)
            #expect(click.description == description)
        case .pageload(let url, let userAgent, let description):
            let pageLoad = try #require(envelope.properties as? PageLoadProperties)
            #expect(pageLoad.url == url)
            #expect(pageLoad.userAgent == userAgent)
            #expect(pageLoad.description == description)
        case .signup:
            Issue.record("signup is a registered type; its bodies are checked against its schema in signupBodiesMatchTheRegisteredSchema")
        }
    }

    @Test func signupBodiesMatchTheRegisteredSchema() throws {
        let registration = try TypeRegistration.parse(
            JSONValue.parse(Data(SignupType.registration.utf8)), name: SignupType.name, defaultPartitions: 4)
        let type = RegisteredType(
            name: SignupType.name, version: 1, schema: registration.schema, owner: registration.owner,
            description: registration.description, keyField: registration.keyField, countBy: registration.countBy,
            partitions: 4, registeredAt: Self.now)
        let compiled = CompiledType(type)
        var model = TrafficModel(concurrentSessions: 8, legacyShare: 0.3, signupShare: 1, seed: 3)
        let events = (0..<3000).map { _ in model.nextEvent(nowMilliseconds: Self.nowMilliseconds) }
        let signups = events.filter { $0.kind == .signup }
        #expect(signups.count > 20, "\(signups.count) signups")
        #expect(!signups.contains { $0.legacy }, "a legacy storefront never signs up")
        #expect(Set(signups.compactMap { if case .signup(_, let plan, _) = $0.payload { plan } else { nil } }) == Set(SignupType.plans))
        for event in signups {
            let parsed = RegisteredEventParser().parse(
                try JSONValue.parse(Data(EventBody.v1(event).utf8)), as: compiled, receivedAt: Self.now)
            let accepted = try parsed.get()
            #expect(accepted.id.uuidString.lowercased() == event.id)
            if case .signup(let accountID, _, _) = event.payload { #expect(accepted.key == Array(accountID.utf8)) }
        }
    }

    @Test func noSignupsUnlessAsked() {
        #expect(!Self.events(count: 3000, legacyShare: 0).contains { $0.kind == .signup })
    }
}
