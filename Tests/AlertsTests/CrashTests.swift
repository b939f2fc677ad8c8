@testable import AlertsService
import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

/// kill -9 of the alerts process in the middle of a burst: after restarting, every alert
/// arrives exactly once by id (no alert missed, none repeated after id dedupe), because the
/// windows are rebuilt from the input topics and the published alerts are read back.
@Suite(.serialized) struct CrashTests {
    static let rules = #"[{"name": "burst", "eventType": "click", "key": "sessionId", "window": "10s", "grace": "1s", "warning": 3, "critical": 6, "resolveAt": 1}]"#

    func start(_ bootstrap: String, group: String) throws -> ChildProcess {
        try ChildProcess(
            executable: BuiltProducts.executable("alerts"),
            environment: [
                "KAFKA_URL": bootstrap, "PORT": "0", "HOST": "127.0.0.1", "ALERT_RULES": Self.rules,
                "ALERT_CONSUMER_GROUP": group, "ALERT_LIVE_DELAY_MS": "200", "ALERT_FETCH_WAIT_MS": "10",
                "ALERT_SESSION_TIMEOUT_SECONDS": "3", "LOG_LEVEL": "info",
            ])
    }

    @Test func killDashNineDuringABurstNeitherMissesNorRepeatsAnAlert() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2", "edm-alerts:2"])
        let reader = try AlertTopicReader(bootstrap: broker.bootstrapServers, partitions: 2)
        let events = try EventProducer(bootstrap: broker.bootstrapServers)
        let group = uniqueName("edm-alerts")
        var process = try start(broker.bootstrapServers, group: group)
        try await waitUntil("the first process reads live", timeout: .seconds(30)) {
            process.standardError.contains("alert history read")
        }

        // The burst: three clicks (a warning), then the crash, then three more while it is down.
        try await Fixtures.waitForEarlyInWindow(of: 10_000)
        let time = Fixtures.nowMilliseconds
        try await events.send(Fixtures.burst(3, session: "bursty", at: time))
        try await waitUntil("the warning", timeout: .seconds(10)) { reader.unique.count == 1 }
        process.signal(SIGKILL)
        _ = try await process.waitForExit()
        try await events.send((0..<3).map { _ in Fixtures.click(session: "bursty", at: time, receivedAt: Fixtures.nowMilliseconds) })

        process = try start(broker.bootstrapServers, group: group)
        try await waitUntil("the critical and the resolved", timeout: .seconds(60), context: { process.standardError }) {
            reader.unique.count >= 3
        }
        // Anything published twice would have arrived by now: the resolve came one window later.
        let unique = reader.unique
        #expect(unique.map { "\($0.level.rawValue) \($0.resolved)" } == ["warning false", "critical false", "critical true"])
        #expect(unique.allSatisfy { $0.key == "bursty" })
        #expect(unique[1].count == 6 && unique[1].windowStart == EventTimestamp.date(fromMilliseconds: time - time % 10_000))
        #expect(reader.envelopes.count == 3, "the restarted process recognised the warning and did not republish it")

        process.signal(SIGTERM)
        #expect(try await process.waitForExit() == 0)
        await events.close()
        await reader.close()
        _ = try await broker.stop()
    }
}
