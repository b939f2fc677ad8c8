import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// Records written to the event topics by a Kafka client we did not write (kcat): every consumer
/// reads them through the one shared decoder, so stats and stream agree on each of them.
@Suite("Records from another Kafka client", .serialized)
struct ForeignProducerTests {
    @Test("a raw reference-relay payload is counted by stats and delivered by stream with one id; garbage is skipped by both under one label")
    func statsAndStreamAgree() async throws {
        let system = try await RunningSystem.start()
        let (http, broker) = (system.http, system.broker)
        let stats = try await system.stats()
        let stream = try await system.stream()
        let listener = StreamListener(url: "ws://127.0.0.1:\(stream.port)/v1/stream")
        defer { listener.stop() }
        #expect(try await eventually(timeout: .seconds(30)) { listener.isLive || listener.hasEnded })

        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let lines = [
            #"raw-1\#t{"topic":"edm-ui-click","uuid":"foreign-session","event_timestamp":\#(millis),"properties":{"button_id":"foreign-button"}}"#,
            "junk-1\tthis is not json",
            #"junk-2\#t{"type":"click","properties":{}}"#,
        ].joined(separator: "\n") + "\n"
        let kcat = try await runCommand(
            "/usr/bin/env", ["kcat", "-P", "-b", broker.bootstrapServers, "-t", "edm-ui-click", "-K", "\t"],
            stdin: Data(lines.utf8))
        #expect(kcat.status == 0, "kcat: \(kcat.stderr)")

        // stats counts the raw payload once.
        var clicks = JSONValue.null
        let counted = try await eventually(timeout: .seconds(60)) {
            guard let json = try? await http.get(stats.baseURL + "/v1/stats/clicks?limit=100").json else { return false }
            clicks = json
            return json["buttons"]?.arrayValue?.contains { $0["buttonId"]?.stringValue == "foreign-button" } == true
        }
        #expect(counted, "stats never counted the raw payload: \(clicks)")
        let button = clicks["buttons"]?.arrayValue?.first { $0["buttonId"]?.stringValue == "foreign-button" }
        #expect(button?["clicks"]?.int64Value == 1)

        // stream delivers it, with the id derived from its position (the same for every reader).
        #expect(try await eventually(timeout: .seconds(30)) {
            listener.events.contains { $0["sessionId"]?.stringValue == "foreign-session" }
        })
        let delivered = listener.events.filter { $0["sessionId"]?.stringValue == "foreign-session" }
        #expect(delivered.count == 1)
        #expect(delivered.first?["source"]?.stringValue == "legacy")
        let id = try #require(delivered.first?["id"]?.stringValue)
        #expect(UUID(uuidString: id) != nil)

        // Both skip the garbage and count it under the same labels.
        for (service, prefix) in [(stats, "stats"), (stream, "stream")] {
            var text = ""
            let skipped = try await eventually(timeout: .seconds(30)) {
                text = (try? await http.get(service.baseURL + "/metrics").text) ?? ""
                return text.contains(#"reason="malformed_json"} 1"#) && text.contains(#"reason="invalid_event"} 1"#)
            }
            #expect(skipped, "\(prefix) /metrics: \(text.split(separator: "\n").filter { $0.contains("skipped") })")
            #expect(text.contains(#"\#(prefix)_messages_skipped_total{reason="malformed_json"} 1"#))
        }

        listener.stop()
        for service in [stream, stats] {
            #expect(try await service.terminate() == 0)
        }
        #expect(try await broker.stop() == 0)
    }
}
