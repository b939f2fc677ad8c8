import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// The alerts service among the others, each its own process: a burst posted to the relay gives
/// exactly one critical alert for that session and window, seen by a WebSocket client with
/// `types=alert` and listed by stats' `/v1/alerts`; the key falling back gives one resolved.
@Suite("Alerts through the whole system", .serialized)
struct AlertsSystemTests {
    static let rules = #"[{"name": "burst", "eventType": "click", "key": "sessionId", "window": "4s", "grace": "1s", "warning": 3, "critical": 5, "resolveAt": 1}]"#

    @Test("a burst gives one critical alert on the stream and in /v1/alerts, then one resolved")
    func burstReachesStreamAndStats() async throws {
        let system = try await RunningSystem.start()
        let http = system.http
        let relay = try await system.relay()
        let stats = try await system.stats(["STATS_SESSION_TIMEOUT_MS": "6000"])
        let stream = try await system.stream()
        let alerts = try await ServiceProcess.start(
            "alerts",
            environment: system.kafka.merging([
                "ALERT_RULES": Self.rules, "ALERT_FETCH_WAIT_MS": "10", "ALERT_LIVE_DELAY_MS": "200",
                "ALERT_SESSION_TIMEOUT_SECONDS": "3",
            ]) { $1 },
            http: http)
        let listener = StreamListener(url: "ws://127.0.0.1:\(stream.port)/v1/stream?types=alert")
        defer { listener.stop() }
        #expect(try await eventually(timeout: .seconds(30)) { listener.isLive || listener.hasEnded })

        let occurredAt = EventTimestamp.string(from: Date())
        let clicks = (0..<7).map { _ in
            #"{"type":"click","sessionId":"e2e-burst","occurredAt":"\#(occurredAt)","properties":{"buttonId":"stuck"}}"#
        }
        let posted = try await http.postJSON(relay.baseURL + "/v1/events", "[" + clicks.joined(separator: ",") + "]")
        #expect(posted.status == 202, "\(posted.text)")

        func alertsOnStream() -> [JSONValue] { listener.events.filter { $0["type"] == "alert" } }
        try await waitUntil("the resolved alert on the stream", timeout: .seconds(40), context: { alerts.child.standardError.suffix(2000).description }) {
            alertsOnStream().contains { $0["properties"]?["resolved"] == true }
        }
        let critical = alertsOnStream().filter { $0["properties"]?["level"] == "critical" && $0["properties"]?["resolved"] == false }
        #expect(critical.count == 1, "\(alertsOnStream())")
        #expect(critical.first?["properties"]?["key"] == "e2e-burst" && critical.first?["properties"]?["count"] == 5)
        #expect(alertsOnStream().count == 3, "warning, critical, resolved: \(alertsOnStream())")

        let criticalID = try #require(critical.first?["id"]?.stringValue)
        try await waitUntil("stats lists the alerts", timeout: .seconds(30)) {
            let listed = (try? await http.get(stats.baseURL + "/v1/alerts").json?["alerts"]?.arrayValue) ?? []
            return listed.count == 3
        }
        let listed = try #require(try await http.get(stats.baseURL + "/v1/alerts?limit=10").json?["alerts"]?.arrayValue)
        #expect(listed.first?["resolved"] == true, "newest first")
        #expect(listed.contains { $0["id"]?.stringValue == criticalID && $0["level"] == "critical" })
        // Alerts are not counted as storefront events.
        let summary = try #require(try await http.get(stats.baseURL + "/v1/stats/summary").json)
        #expect(summary["types"]?["alert"] == nil, "\(summary)")

        #expect(try await alerts.terminate() == 0)
        #expect(try await stream.terminate() == 0)
        #expect(try await stats.terminate() == 0)
        #expect(try await relay.terminate() == 0)
    }
}
