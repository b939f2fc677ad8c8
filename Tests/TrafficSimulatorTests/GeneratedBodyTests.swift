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
            let body = EventBody.legacy(event)
            let envelope = try EventParser().parse(json: Data(body.utf8), type: nil, source: .legacy, receivedAt: Self.now).get()
            #expect(envelope.type == event.kind.rawValue)
            #expect(envelope.source == .legacy)
            try expectProperties(envelope, match: event)
        }
    }

    @Test func bothKindsAndAllDevicesOccur() throws {
        let events = Self.events(count: 2000, legacyShare: 0)
        let kinds = Set(events.map(\.kind))
        #expect(kinds == [.click, .pageload])
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
        }
    }
}
