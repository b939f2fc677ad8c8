import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// The dashboard's figures are "stats + live after stats' cursor" exactly, over the built
/// executables: with stats behind, with traffic flowing and with the stream restarted under the
/// dashboard. Every record here is a distinct event the relay wrote, so the events before a
/// cursor are exactly the sum of its next offsets: the test checks the figures against that.
@Suite("Exact merge: the dashboard's snapshot against stats' cursor", .serialized)
struct ExactMergeTests {
    @Test("snapshot totals = stats + live after stats' cursor, across a stream restart, and = stats once traffic stops")
    func snapshotIsExact() async throws {
        let system = try await RunningSystem.start()
        let http = system.http
        let relay = try await system.relay()
        var stats = try await system.stats(["STATS_SESSION_TIMEOUT_MS": "6000"])
        var stream = try await system.stream()
        let streamPort = stream.port

        // Stats counts 40 events, then stops: the next 30 exist only in Kafka.
        try await Self.post(count: 40, prefix: "counted", to: relay, http: http)
        #expect(try await Self.waitForTotal(40, stats: stats, http: http))
        #expect(try await stats.terminate() == 0)
        try await Self.post(count: 30, prefix: "uncounted", to: relay, http: http)

        // Traffic keeps flowing while the dashboard follows the stream for six seconds, and the
        // stream is restarted (same address) in the middle.
        let traffic = Task {
            var sent = 0
            while !Task.isCancelled {
                try? await Self.post(count: 5, prefix: "traffic-\(sent)", to: relay, http: http)
                sent += 5
                try? await Task.sleep(for: .milliseconds(100))
            }
            return sent
        }
        // Stats comes back (its API answers at once; its consumer group join takes seconds, so
        // its history is usually still behind when the dashboard loads it).
        stats = try await system.stats(["STATS_SESSION_TIMEOUT_MS": "6000"])
        let snapshot = Task {
            try await Self.snapshot(stats: stats, streamPort: streamPort, seconds: 6)
        }
        // Restart the stream once the dashboard is connected to it (and has events in flight).
        #expect(try await eventually(timeout: .seconds(30)) {
            (try? await http.get(stream.baseURL + "/metrics").text.contains("stream_clients 1")) == true
        })
        #expect(try await stream.terminate() == 0)
        stream = try await system.stream(port: streamPort)
        let during = try await snapshot.value
        traffic.cancel()
        let sent = await traffic.value

        // History: the 40 stats had counted (its cursor); live: everything after it up to the
        // snapshot's own cursor, with nothing lost or doubled across the restart.
        #expect(during.total == during.cursorEvents, "\(during.text)")
        #expect(during.clicks == during.cursorClicks && during.pageLoads == during.cursorPageLoads, "\(during.text)")
        #expect(during.cursorEvents >= 70, "everything posted before the snapshot is before its cursor: \(during.text)")

        // Traffic stopped, stats catches up: the snapshot equals stats exactly.
        let all = 70 + sent
        #expect(try await Self.waitForTotal(all, stats: stats, http: http))
        let after = try await Self.snapshot(stats: stats, streamPort: streamPort, seconds: 1)
        #expect(after.total == all, "\(after.text)")
        #expect(after.cursorEvents == all)
        for service in [relay, stats, stream] { _ = try await service.terminate() }
    }

    struct Snapshot {
        var text: String
        var clicks: Int
        var pageLoads: Int
        var total: Int { clicks + pageLoads }
        var cursor: StreamCursor
        var cursorClicks: Int { Self.sum(cursor, topic: "edm-ui-click") }
        var cursorPageLoads: Int { Self.sum(cursor, topic: "edm-ui-pageload") }
        var cursorEvents: Int { cursorClicks + cursorPageLoads }

        static func sum(_ cursor: StreamCursor, topic: String) -> Int {
            Int(cursor.positions[topic]?.values.reduce(0, +) ?? 0)
        }
    }

    static func snapshot(stats: ServiceProcess, streamPort: Int, seconds: Int) async throws -> Snapshot {
        let result = try await runCommand(
            BuiltProducts.executable("dashboard-tui").path,
            [
                "--snapshot", "--width", "100", "--height", "30", "--stats-url", stats.baseURL,
                "--stream-url", "ws://127.0.0.1:\(streamPort)/v1/stream", "--snapshot-stream-seconds", String(seconds),
            ])
        let text = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = text.split(separator: "\n").map(String.init)
        guard let totals = lines.first(where: { $0.hasPrefix("Totals  click ") }),
            let cursorLine = lines.last(where: { $0.hasPrefix("cursor: ") })
        else { throw EndToEndError("no totals or cursor in the snapshot: \(text)") }
        let numbers = totals.split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 2 else { throw EndToEndError("unexpected totals line: \(totals)") }
        let cursor = try StreamCursor(parsing: String(cursorLine.dropFirst("cursor: ".count)))
        return Snapshot(text: text, clicks: numbers[0], pageLoads: numbers[1], cursor: cursor)
    }

    /// Posts `count` events (clicks and page loads) in one batch.
    static func post(count: Int, prefix: String, to relay: ServiceProcess, http: HTTPClient) async throws {
        let occurredAt = EventTimestamp.string(from: Date())
        let events = (0..<count).map { index in
            index % 3 == 0
                ? #"{"type":"pageload","sessionId":"\#(prefix)-\#(index)","occurredAt":"\#(occurredAt)","properties":{"url":"https://shop.example/\#(index)","userAgent":"Mozilla/5.0 (X11; Linux x86_64)"}}"#
                : #"{"type":"click","sessionId":"\#(prefix)-\#(index)","occurredAt":"\#(occurredAt)","properties":{"buttonId":"b\#(index % 4)"}}"#
        }
        let reply = try await http.postJSON(relay.baseURL + "/v1/events", "[" + events.joined(separator: ",") + "]")
        #expect(reply.status == 202, "\(reply.text)")
    }

    static func waitForTotal(_ total: Int, stats: ServiceProcess, http: HTTPClient) async throws -> Bool {
        try await eventually(timeout: .seconds(60)) {
            (try? await http.get(stats.baseURL + "/v1/stats/summary").json?["totalEvents"]?.int64Value) == Int64(total)
        }
    }
}
