@testable import AlertsService
import EDMCore
import EDMEvents
import Foundation
import Logging
import ServiceLifecycle
import Testing
import TestSupport

/// The webhook sink on its own against a real HTTP receiver: retries until accepted, each alert
/// delivered once, a full queue dropping its oldest, SIGTERM draining; and its settings.
@Suite(.serialized) struct WebhookTests {
    static func alert(_ number: Int) -> WebhookAlert {
        let start = EventTimestamp.date(fromMilliseconds: Fixtures.base + Int64(number) * 10_000)
        let properties = AlertProperties(
            rule: "burst", key: "session-\(number)", level: .critical, windowStart: start,
            windowEnd: start.addingTimeInterval(10), count: 5, threshold: 5, resolved: false)
        let envelope = properties.envelope(occurredAt: start, receivedAt: start)
        return WebhookAlert(id: envelope.id.uuidString.lowercased(), body: Array(envelope.jsonData()))
    }

    /// A sink with test-sized delays, running in its own service group.
    struct RunningSink {
        let sink: WebhookSink
        let group: ServiceGroup
        let task: Task<Void, any Error>

        init(url: String, queueLimit: Int = 100) {
            var settings = WebhookSettings(url: url)
            settings.queueLimit = queueLimit
            settings.initialBackoff = .milliseconds(20)
            settings.maxBackoff = .milliseconds(100)
            settings.requestTimeout = .seconds(5)
            var logger = Logger(label: "webhook-test")
            logger.logLevel = .critical
            sink = WebhookSink(settings: settings, logger: logger)
            let group = ServiceGroup(configuration: .init(services: [sink], logger: logger))
            self.group = group
            task = Task { try await group.run() }
        }

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    @Test func eachAlertArrivesOnceAfterTheReceiverFailedTwice() async throws {
        let receiver = try await WebhookReceiver(failFirst: 2)
        let running = RunningSink(url: receiver.url)
        let alerts = (1...3).map(Self.alert)
        for alert in alerts { running.sink.enqueue(alert) }
        try await waitUntil("three alerts accepted") { receiver.accepted.count == 3 }
        #expect(receiver.accepted == alerts.map(\.id), "each once, in order")
        let requests = receiver.requests
        #expect(requests.map(\.status) == [503, 503, 200, 200, 200])
        #expect(requests.allSatisfy { $0.key != nil && $0.key == $0.bodyID }, "Idempotency-Key is the alert id")
        #expect(running.sink.metrics.stats.failedAttempts.load(ordering: .relaxed) == 2)
        #expect(running.sink.metrics.stats.delivered.load(ordering: .relaxed) == 3)
        #expect(running.sink.metrics.stats.dropped.load(ordering: .relaxed) == 0)
        try await running.stop()
        await receiver.stop()
    }

    @Test func aFullQueueDropsItsOldestAlertsAndCountsThem() async throws {
        let receiver = try await WebhookReceiver(down: true)
        let running = RunningSink(url: receiver.url, queueLimit: 2)
        let alerts = (1...5).map(Self.alert)
        for alert in alerts { running.sink.enqueue(alert) }
        // Pushing never waits: the drops are decided at once, whatever the sink is doing.
        #expect(running.sink.metrics.stats.dropped.load(ordering: .relaxed) == 3)
        #expect(running.sink.queueDepth == 2)
        try await waitUntil("a failed attempt") { running.sink.metrics.stats.failedAttempts.load(ordering: .relaxed) > 0 }
        receiver.setDown(false)
        try await waitUntil("the two newest alerts accepted") { receiver.accepted.count == 2 }
        #expect(receiver.accepted == alerts.suffix(2).map(\.id))
        #expect(running.sink.queueDepth == 0)
        try await running.stop()
        await receiver.stop()
    }

    @Test func aRefusedAlertIsDroppedAndCountedNotRetried() async throws {
        let receiver = try await WebhookReceiver(failFirst: 1, failStatus: 400)
        let running = RunningSink(url: receiver.url)
        let alerts = (1...2).map(Self.alert)
        for alert in alerts { running.sink.enqueue(alert) }
        try await waitUntil("the second alert accepted") { receiver.accepted.count == 1 }
        #expect(receiver.requests.map(\.status) == [400, 200])
        #expect(receiver.accepted == [alerts[1].id])
        #expect(running.sink.metrics.stats.dropped.load(ordering: .relaxed) == 1)
        #expect(running.sink.metrics.stats.failedAttempts.load(ordering: .relaxed) == 0)
        try await running.stop()
        await receiver.stop()
    }

    @Test func shutdownDeliversWhatIsQueuedFirst() async throws {
        let receiver = try await WebhookReceiver(failFirst: 1)
        let running = RunningSink(url: receiver.url)
        let alerts = (1...3).map(Self.alert)
        for alert in alerts { running.sink.enqueue(alert) }
        try await running.stop()
        #expect(receiver.accepted == alerts.map(\.id), "drained on shutdown, retry included")
        await receiver.stop()
    }

    @Test func backoffDoublesUpToItsCapWithJitter() {
        var backoff = WebhookBackoff(initial: .milliseconds(100), maximum: .milliseconds(1_000))
        var ceilings: [Int64] = []
        for _ in 0..<6 {
            let ceiling = backoff.ceiling
            let delay = backoff.next()
            #expect(delay >= ceiling / 2 && delay <= ceiling, "\(delay) within [\(ceiling / 2), \(ceiling)]")
            ceilings.append(ceiling.milliseconds)
        }
        #expect(ceilings == [100, 200, 400, 800, 1_000, 1_000])
        backoff.reset()
        #expect(backoff.ceiling == .milliseconds(100))
    }

    @Test func settingsAreReadAndABadURLNamesTheVariable() throws {
        let base = ["KAFKA_URL": "127.0.0.1:9092"]
        #expect(try AlertsConfiguration.fromEnvironment(ConfigVars(base)).webhook == nil)
        let configured = try AlertsConfiguration.fromEnvironment(
            ConfigVars(base.merging(["ALERT_WEBHOOK_URL": "https://hooks.example.com/a", "ALERT_WEBHOOK_QUEUE_LIMIT": "7"]) { $1 }))
        #expect(configured.webhook?.url == "https://hooks.example.com/a" && configured.webhook?.queueLimit == 7)
        for bad in ["ftp://hooks.example.com/a", "hooks.example.com/a", "http://"] {
            do {
                _ = try AlertsConfiguration.fromEnvironment(ConfigVars(base.merging(["ALERT_WEBHOOK_URL": bad]) { $1 }))
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(error.variable == "ALERT_WEBHOOK_URL", "\(error)")
            }
        }
        #expect(throws: ConfigError.self) {
            try AlertsConfiguration.fromEnvironment(
                ConfigVars(base.merging(["ALERT_WEBHOOK_URL": "http://h/", "ALERT_WEBHOOK_QUEUE_LIMIT": "0"]) { $1 }))
        }
    }
}
