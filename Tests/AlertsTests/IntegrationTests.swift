@testable import AlertsService
import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

/// The service against a real (mock-cluster) broker: events in, alerts out on edm-alerts.
@Suite(.serialized) struct IntegrationTests {
    /// Clicks per session, 2 s tumbling windows, 500 ms grace: fast enough to see a resolve.
    static let rule = Fixtures.rule(
        #"{"name": "burst", "eventType": "click", "key": "sessionId", "window": "2s", "grace": "500ms", "warning": 3, "critical": 5, "resolveAt": 1}"#)

    @Test func aBurstGivesOneCriticalThenOneResolvedAndLateEventsAreCounted() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2", "edm-alerts:2"])
        let alerts = try RunningAlerts(configuration: try RunningAlerts.configuration(bootstrap: broker.bootstrapServers, rules: [Self.rule]))
        let reader = try AlertTopicReader(bootstrap: broker.bootstrapServers, partitions: 2)
        let events = try EventProducer(bootstrap: broker.bootstrapServers)
        try await alerts.waitUntilLive()

        try await Fixtures.waitForEarlyInWindow(of: 2_000)
        let now = Fixtures.nowMilliseconds
        try await events.send(Fixtures.burst(8, session: "bursty", at: now) + Fixtures.burst(2, session: "calm", at: now))
        try await waitUntil("one resolved alert", timeout: .seconds(20)) { reader.unique.contains { $0.resolved } }
        let unique = reader.unique
        #expect(unique.map { "\($0.key) \($0.level.rawValue) \($0.resolved)" } == [
            "bursty warning false", "bursty critical false", "bursty critical true",
        ])
        #expect(reader.envelopes.count == 3, "published once each, not per update")
        let critical = try #require(unique.first { $0.level == .critical && !$0.resolved })
        let windowStart = now - now % 2_000
        #expect(critical.windowStart == EventTimestamp.date(fromMilliseconds: windowStart))
        #expect(critical.count == 5 && critical.threshold == 5)
        let envelope = try #require(reader.envelopes.first { $0.properties(as: AlertProperties.self) == critical })
        #expect(envelope.id == critical.eventID && envelope.source == .derived && envelope.type == "alert")

        // A click whose window closed long ago is late: reported, not counted.
        try await events.send([Fixtures.click(session: "late", at: now - 60_000, receivedAt: Fixtures.nowMilliseconds)])
        try await waitUntil("the late event is counted in the metric") { alerts.stats.late.load(ordering: .relaxed) == 1 }
        #expect(alerts.stats.published.load(ordering: .relaxed) == 3)

        await events.close()
        await reader.close()
        try await alerts.stop()
        _ = try await broker.stop()
    }
}
