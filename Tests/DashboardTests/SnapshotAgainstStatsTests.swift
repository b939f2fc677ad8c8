import DashboardTUI
import EDMEvents
import Foundation
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `dashboard-tui --snapshot` against the real `stats` executable (PostgreSQL and edm-broker
/// underneath, the API protected by `STATS_TOKENS`): the frame shows the totals the stats API
/// returns.
@Suite("--snapshot against a running stats service", .serialized)
struct SnapshotAgainstStatsTests {
    @Test("the snapshot's totals, buttons and devices equal the stats API's")
    func snapshotMatchesAPI() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let databaseURL = try await TestPostgres.freshDatabase()
        let port = try TestPostgres.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["KAFKA_URL"] = broker.bootstrapServers
        environment["PORT"] = String(port)
        environment["HOST"] = "127.0.0.1"
        environment["STATS_CONSUMER_GROUP"] = uniqueName("dash")
        environment["STATS_SESSION_TIMEOUT_MS"] = "3000"
        environment["LOG_LEVEL"] = "warning"
        environment["STATS_TOKENS"] = "retired-token," + Self.token
        let base = "http://127.0.0.1:\(port)"

        // The history loader starts before stats does: it retries with backoff, then connects.
        let recorder = MessageRecorder()
        let loader = HistoryLoader(
            client: StatsClient(baseURL: base, token: Self.token, requestTimeout: .milliseconds(500)), refreshInterval: .seconds(600),
            policy: ReconnectPolicy(initialDelay: .milliseconds(50), maxDelay: .milliseconds(200), jitter: 0))
        let loading = Task { await loader.run(types: { ["click", "pageload"] }, send: recorder.append) }
        defer { loading.cancel() }
        _ = try await waitForStats("stats refused", stats: nil) {
            recorder.statsStatuses.contains { if case .retrying(_, _, "connection refused") = $0 { true } else { false } } ? true : nil
        }
        let stats = try ChildProcess(executable: BuiltProducts.executable("stats"), arguments: ["serve"], environment: environment)
        _ = try await waitForStats("loader connected", stats: stats) { recorder.statsStatuses.last?.isConnected == true ? true : nil }
        #expect(recorder.histories.count == 1)

        let now = Date()
        let buttons = ["the-camper's-kit", "msr-reactor-2.5l-stove-system", "tent", "tent", "tent", "stove", "stove"]
        let clicks = buttons.enumerated().map { index, button in
            EventEnvelope(occurredAt: now, receivedAt: now.addingTimeInterval(Double(index) / 1000), sessionId: "s\(index % 3)",
                          properties: ClickProperties(buttonId: button))
        }
        let agents = [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile",
            "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X)", "curl/8.4.0",
        ]
        let pageLoads = agents.enumerated().map { index, agent in
            EventEnvelope(occurredAt: now, receivedAt: now.addingTimeInterval(Double(index) / 1000), sessionId: "p\(index)",
                          properties: PageLoadProperties(url: "https://shop.example/\(index)", userAgent: agent))
        }
        try await produce(clicks, topic: "edm-ui-click", broker: broker.bootstrapServers)
        try await produce(pageLoads, topic: "edm-ui-pageload", broker: broker.bootstrapServers)

        let total = clicks.count + pageLoads.count
        let summary = try await waitForStats("stats counted \(total) events", stats: stats) {
            let summary = try await Self.json(base + "/v1/stats/summary")
            return (summary["totalEvents"] as? Int) == total ? summary : nil
        }
        // A reload request is answered at once (the refresh interval is ten minutes).
        loader.requestReload()
        let reloaded = try await waitForStats("reloaded history", stats: stats) {
            recorder.histories.last.flatMap { $0.summary.totalEvents == Int64(total) ? $0 : nil }
        }
        #expect(reloaded.consistent)
        #expect(reloaded.clicks.totalClicks == Int64(clicks.count))
        let clicksDocument = try await Self.json(base + "/v1/stats/clicks")
        let pageLoadsDocument = try await Self.json(base + "/v1/stats/pageloads")

        // Without the token the API refuses, and so does the snapshot; with it, the frame is drawn.
        let (_, refused) = try await URLSession.shared.data(from: URL(string: base + "/v1/stats/summary")!)
        #expect((refused as? HTTPURLResponse)?.statusCode == 401)
        let tokenless = try await runCommand(
            BuiltProducts.executable("dashboard-tui").path, ["--snapshot", "--stats-url", base])
        #expect(tokenless.status != 0, "\(tokenless.stdout)")
        let result = try await runCommand(
            "/usr/bin/env",
            ["DASHBOARD_STATS_TOKEN=" + Self.token, BuiltProducts.executable("dashboard-tui").path,
             "--snapshot", "--width", "100", "--height", "30", "--stats-url", base])
        let text = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        let types = try #require(summary["types"] as? [String: [String: Any]])
        let clickCount = try #require(types["click"]?["count"] as? Int)
        let pageLoadCount = try #require(types["pageload"]?["count"] as? Int)
        #expect(clickCount == clicks.count && pageLoadCount == pageLoads.count)
        #expect(lines.contains("Totals  click \(clickCount)  pageload \(pageLoadCount)"), "\(text)")
        #expect(lines[0].contains("stats connected │ stream off │ \(total) events"), "\(text)")
        for button in try #require(clicksDocument["buttons"] as? [[String: Any]]) {
            let id = try #require(button["buttonId"] as? String)
            let count = try #require(button["clicks"] as? Int)
            #expect(Self.count(after: id, in: lines, atLineStart: true) == count, "\(id): \(text)")
        }
        for (device, count) in try #require(pageLoadsDocument["byDeviceType"] as? [String: Int]) {
            #expect(Self.count(after: device, in: lines, atLineStart: false) == count, "\(device): \(text)")
        }
        stats.signal(SIGTERM)
        _ = try await stats.waitForExit()
    }

    @Test("an unreachable stats service: exit 69 and a message naming the URL")
    func unreachable() async throws {
        let port = try TestPostgres.freePort()
        let url = "http://127.0.0.1:\(port)"
        let result = try await runCommand(BuiltProducts.executable("dashboard-tui").path, ["--snapshot", "--stats-url", url])
        #expect(result.status == 69)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot load history from stats at \(url): connection refused"), "\(result.stderr)")
    }

    @Test("a bad URL variable: exit 78 naming the variable")
    func badConfiguration() async throws {
        let result = try await runCommand("/usr/bin/env", ["DASHBOARD_STATS_URL=nope", BuiltProducts.executable("dashboard-tui").path, "--snapshot"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("DASHBOARD_STATS_URL"))
    }

    /// The count on the row showing `label` (label, possibly cut with an ellipsis, bar, count).
    static func count(after label: String, in lines: [String], atLineStart: Bool) -> Int? {
        let shown = String(label.prefix(20))
        for line in lines {
            guard let range = line.range(of: atLineStart ? shown : " " + shown) else { continue }
            if atLineStart && range.lowerBound != line.startIndex { continue }
            // After the label: the rest of a cut label ("ve…"), the bar, then the count.
            let tokens = line[range.upperBound...].split(separator: " ")
            if let number = tokens.lazy.compactMap({ Int($0.replacingOccurrences(of: ",", with: "")) }).first { return number }
        }
        return nil
    }

    /// Produces events keyed by session id with kcat, as the relay would.
    func produce(_ events: [EventEnvelope], topic: String, broker: String) async throws {
        let lines = events.map { $0.sessionId + "\t" + String(decoding: $0.jsonData(), as: UTF8.self) }.joined(separator: "\n") + "\n"
        let result = try await runCommand("/usr/bin/env", ["kcat", "-P", "-b", broker, "-t", topic, "-K", "\t"], stdin: Data(lines.utf8))
        #expect(result.status == 0, "kcat: \(result.stderr)")
    }

    static let token = "dash-token"

    /// GETs a stats document with the token.
    static func json(_ url: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Waits for `probe`'s value, failing at once if stats exited.
    func waitForStats<T>(_ what: String, stats: ChildProcess?, timeout: Duration = .seconds(60), _ probe: () async throws -> T?) async throws -> T {
        try await waitFor(what, timeout: timeout, failFast: {
            if let stats, !stats.process.isRunning {
                throw ChildProcessError.exitedEarly(status: stats.process.terminationStatus, stderr: stats.standardError)
            }
        }, context: { stats?.standardError ?? "" }, probe)
    }
}
