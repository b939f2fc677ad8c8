@testable import AlertsService
import AsyncHTTPClient
import EDMEvents
import Foundation
import NIOCore
import Testing
import TestSupport

/// The built `alerts` executable with `ALERT_WEBHOOK_URL` set, against a broker and a receiver
/// that fails its first two requests: every alert on edm-alerts reaches the receiver exactly
/// once, and /metrics counts the failed attempts.
@Suite(.serialized) struct WebhookEndToEndTests {
    static let rules = #"[{"name": "burst", "eventType": "click", "key": "sessionId", "window": "2s", "grace": "500ms", "warning": 3, "critical": 5, "resolveAt": 1}]"#

    @Test func theExecutablePostsEveryAlertOnceAfterRetries() async throws {
        let receiver = try await WebhookReceiver(failFirst: 2)
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2", "edm-alerts:2"])
        let reader = try AlertTopicReader(bootstrap: broker.bootstrapServers, partitions: 2)
        let events = try EventProducer(bootstrap: broker.bootstrapServers)
        let process = try ChildProcess(
            executable: BuiltProducts.executable("alerts"),
            environment: [
                "KAFKA_URL": broker.bootstrapServers, "PORT": "0", "HOST": "127.0.0.1", "ALERT_RULES": Self.rules,
                "ALERT_CONSUMER_GROUP": uniqueName("edm-alerts"), "ALERT_LIVE_DELAY_MS": "200", "ALERT_FETCH_WAIT_MS": "10",
                "ALERT_SESSION_TIMEOUT_SECONDS": "3", "LOG_LEVEL": "info", "ALERT_WEBHOOK_URL": receiver.url,
                "ALERT_WEBHOOK_BACKOFF_MS": "50", "ALERT_WEBHOOK_MAX_BACKOFF_MS": "200",
            ])
        try await waitUntil("alerts reads live", timeout: .seconds(30)) { process.standardError.contains("alert history read") }
        let port = try #require(Self.port(in: process.standardError))

        try await Fixtures.waitForEarlyInWindow(of: 2_000)
        try await events.send(Fixtures.burst(6, session: "hooked", at: Fixtures.nowMilliseconds))
        try await waitUntil("warning, critical and resolved delivered", timeout: .seconds(30), context: { process.standardError }) {
            reader.unique.count == 3 && receiver.accepted.count == 3
        }
        let published = reader.envelopes.map { $0.id.uuidString.lowercased() }
        #expect(receiver.accepted == published, "each alert of edm-alerts once, in order")
        #expect(receiver.requests.map(\.status) == [503, 503, 200, 200, 200])
        #expect(receiver.requests.allSatisfy { $0.key == $0.bodyID })

        let metrics = try await Self.get("http://127.0.0.1:\(port)/metrics")
        #expect(metrics.contains("alerts_webhook_failed_attempts_total 2"), "\(metrics)")
        #expect(metrics.contains("alerts_webhook_delivered_total 3"))
        #expect(metrics.contains("alerts_webhook_queue_depth 0"))

        process.signal(SIGTERM)
        #expect(try await process.waitForExit() == 0)
        await events.close()
        await reader.close()
        _ = try await broker.stop()
        await receiver.stop()
    }

    @Test func aURLThatIsNotHTTPExits78NamingTheVariable() async throws {
        let result = try await runCommand(
            BuiltProducts.executable("alerts").path, [],
            environment: ["KAFKA_URL": "127.0.0.1:1", "ALERT_WEBHOOK_URL": "ftp://hooks.example.com/alerts"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("ALERT_WEBHOOK_URL is invalid"), "\(result.stderr)")
    }

    /// The HTTP port from the service's "listening" log line.
    static func port(in log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("msg=listening ") }),
            let range = line.range(of: #"port=\d+"#, options: .regularExpression)
        else { return nil }
        return Int(line[range].dropFirst("port=".count))
    }

    static func get(_ url: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
