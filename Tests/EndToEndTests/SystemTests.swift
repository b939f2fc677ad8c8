import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// The whole system as separate processes, the way `make run` and Heroku run it: edm-broker,
/// PostgreSQL, relay, stats, stream, plus traffic-sim and dashboard-tui as clients.
@Suite("The whole system, process by process", .serialized)
struct SystemTests {
    @Test("legacy and v1 events posted over HTTP reach a WebSocket client, stats counts them exactly, the dashboard shows them, SIGTERM stops everything")
    func eventsFlowThroughEveryService() async throws {
        let system = try await RunningSystem.start()
        let (http, broker) = (system.http, system.broker)
        let relay = try await system.relay()
        let stats = try await system.stats(["STATS_SESSION_TIMEOUT_MS": "6000"])
        let stream = try await system.stream()
        let listener = StreamListener(url: "ws://127.0.0.1:\(stream.port)/v1/stream")
        defer { listener.stop() }
        #expect(try await eventually(timeout: .seconds(30)) { listener.isLive || listener.hasEnded })
        #expect(listener.isLive, "the stream never said it was live")

        var posted = PostedEvents()
        let occurredAt = ISO8601DateFormatter().string(from: Date())
        // v1, one at a time, each with its own id.
        for index in 0..<6 {
            let id = UUID().uuidString.lowercased()
            let body = index % 2 == 0
                ? #"{"id":"\#(id)","type":"click","sessionId":"e2e-\#(index)","occurredAt":"\#(occurredAt)","properties":{"buttonId":"the-camper's-kit"}}"#
                : #"{"id":"\#(id)","type":"pageload","sessionId":"e2e-\#(index)","occurredAt":"\#(occurredAt)","properties":{"url":"https://shop.example/p/\#(index)","userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)"}}"#
            try await posted.post(body, to: relay.baseURL + "/v1/events", http: http)
        }
        // A client retry of the first kind: same id again, counted once by stats.
        let retriedID = UUID().uuidString.lowercased()
        let retried = #"{"id":"\#(retriedID)","type":"click","sessionId":"e2e-retry","occurredAt":"\#(occurredAt)","properties":{"buttonId":"retry-button"}}"#
        try await posted.post(retried, to: relay.baseURL + "/v1/events", http: http)
        try await posted.post(retried, to: relay.baseURL + "/v1/events", http: http)
        // v1 batch.
        let batch = (0..<4).map { index in
            #"{"type":"click","sessionId":"e2e-batch","occurredAt":"\#(occurredAt)","properties":{"buttonId":"batch-\#(index % 2)"}}"#
        }
        try await posted.post("[" + batch.joined(separator: ",") + "]", to: relay.baseURL + "/v1/events", http: http)
        // The reference's legacy routes and payload.
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        for index in 0..<3 {
            try await posted.post(
                #"{"topic":"edm-ui-click","uuid":"legacy-\#(index)","event_timestamp":\#(millis),"properties":{"button_id":"legacy-button","description":"Legacy"}}"#,
                to: relay.baseURL + "/produceClickMessage", http: http)
        }
        // A legacy request retried with its Idempotency-Key: the same id, counted once.
        let idempotent = #"{"topic":"edm-ui-click","uuid":"legacy-retry","event_timestamp":\#(millis),"properties":{"button_id":"idempotent-button"}}"#
        for _ in 0..<2 {
            try await posted.post(
                idempotent, to: relay.baseURL + "/produceClickMessage", http: http, headers: [("Idempotency-Key", "legacy-retry-1")])
        }
        try await posted.post(
            #"{"topic":"edm-ui-pageload","uuid":"legacy-p","event_timestamp":\#(millis),"properties":{"url":"https://shop.example/legacy","user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}}"#,
            to: relay.baseURL + "/producePageLoad", http: http)
        // Storefront traffic from the simulator, exactly as `make run` sends it.
        let simulator = try await runCommand(
            BuiltProducts.executable("traffic-sim").path,
            ["--relay-url", relay.baseURL, "--count", "80", "--rate", "400", "--seed", "2026", "--legacy-share", "0.3"],
            timeout: .seconds(60))
        #expect(simulator.status == 0, "traffic-sim: \(simulator.stderr.suffix(1500))")
        let summary = try JSONValue.parse(simulator.stdout)
        let simulatedClicks = Int(summary["accepted"]?["click"]?.int64Value ?? 0)
        let simulatedPageloads = Int(summary["accepted"]?["pageload"]?.int64Value ?? 0)
        #expect(simulatedClicks + simulatedPageloads == 80, "traffic-sim summary: \(String(decoding: simulator.stdout, as: UTF8.self))")

        let expectedClicks = posted.distinctClicks + simulatedClicks
        let expectedPageloads = posted.distinctPageloads + simulatedPageloads
        let expectedTotal = expectedClicks + expectedPageloads

        // stats: exact totals, and they stay exact (nothing counted twice later).
        var lastSummary = JSONValue.null
        let counted = try await eventually(timeout: .seconds(90)) {
            guard let json = try? await http.get(stats.baseURL + "/v1/stats/summary").json else { return false }
            lastSummary = json
            return json["types"]?["click"]?["count"]?.int64Value == Int64(expectedClicks)
                && json["types"]?["pageload"]?["count"]?.int64Value == Int64(expectedPageloads)
        }
        #expect(counted, "expected \(expectedClicks) clicks and \(expectedPageloads) page loads; stats says \(lastSummary)")
        let clicks = try #require(try await http.get(stats.baseURL + "/v1/stats/clicks?limit=100").json)
        let retryButton = clicks["buttons"]?.arrayValue?.first { $0["buttonId"]?.stringValue == "retry-button" }
        #expect(retryButton?["clicks"]?.int64Value == 1, "a retried id counts once: \(clicks)")
        let legacyButton = clicks["buttons"]?.arrayValue?.first { $0["buttonId"]?.stringValue == "legacy-button" }
        #expect(legacyButton?["clicks"]?.int64Value == 3)
        let idempotentButton = clicks["buttons"]?.arrayValue?.first { $0["buttonId"]?.stringValue == "idempotent-button" }
        #expect(idempotentButton?["clicks"]?.int64Value == 1, "a retried Idempotency-Key counts once: \(clicks)")

        // stream: every event reached the WebSocket client.
        let delivered = try await eventually(timeout: .seconds(60)) {
            Set(listener.events.compactMap { $0["id"]?.stringValue }).count >= expectedTotal
        }
        let events = listener.events
        let distinct = Dictionary(events.compactMap { event in event["id"]?.stringValue.map { ($0, event) } }) { first, _ in first }
        #expect(delivered, "the WebSocket client got \(distinct.count) of \(expectedTotal) events")
        #expect(Set(posted.v1IDs).isSubset(of: Set(distinct.keys)), "every v1 id reaches the client")
        #expect(distinct.values.filter { $0["type"]?.stringValue == "click" }.count == expectedClicks)
        #expect(distinct.values.filter { $0["type"]?.stringValue == "pageload" }.count == expectedPageloads)

        // dashboard-tui: history from stats plus the live stream, one frame as text.
        let snapshot = try await runCommand(
            BuiltProducts.executable("dashboard-tui").path,
            ["--snapshot", "--stats-url", stats.baseURL, "--stream-url", "ws://127.0.0.1:\(stream.port)/v1/stream",
             "--width", "110", "--height", "34"],
            timeout: .seconds(60))
        let frame = String(decoding: snapshot.stdout, as: UTF8.self)
        #expect(snapshot.status == 0, "dashboard-tui --snapshot: \(snapshot.stderr)")
        #expect(frame.contains("click \(expectedClicks)"), "\(frame)")
        #expect(frame.contains("pageload \(expectedPageloads)"), "\(frame)")
        #expect(frame.contains("legacy-button"), "\(frame)")

        // SIGTERM: each service stops cleanly, clients first, the broker last.
        listener.stop()
        for service in [stream, stats, relay] {
            let status = try await service.terminate()
            #expect(status == 0, "\(service.name) exited \(status) on SIGTERM: \(service.child.standardError.suffix(1500))")
        }
        #expect(try await broker.stop() == 0)
    }
}

/// What the test posted and the relay accepted (202), to compute the exact expected counts.
struct PostedEvents {
    var v1IDs: [String] = []
    private var clickIDs = Set<String>()
    private var pageloadIDs = Set<String>()

    var distinctClicks: Int { clickIDs.count }
    var distinctPageloads: Int { pageloadIDs.count }

    /// Posts `body`; expects 202 with the ids the relay assigned or kept, and records them by type.
    mutating func post(_ body: String, to url: String, http: HTTPClient, headers: [(String, String)] = []) async throws {
        let reply = try await http.postJSON(url, body, headers: headers)
        #expect(reply.status == 202, "POST \(url) answered \(reply.status): \(reply.text)")
        let ids = reply.json?["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let sent = try JSONValue.parse(Data(body.utf8))
        let documents = sent.arrayValue ?? [sent]
        #expect(ids.count == documents.count, "\(reply.text)")
        for (document, id) in zip(documents, ids) {
            let type = document["type"]?.stringValue ?? (document["topic"]?.stringValue == "edm-ui-click" ? "click" : "pageload")
            if type == "click" { clickIDs.insert(id) } else { pageloadIDs.insert(id) }
            if document["topic"] == nil { v1IDs.append(id) }
        }
    }
}
