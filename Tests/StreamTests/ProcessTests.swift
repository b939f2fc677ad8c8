import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("The stream executable")
struct ProcessTests {
    static func launch(bootstrap: String, extra: [String: String] = [:]) async throws -> (ChildProcess, Int) {
        let port = try TestPostgres.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment.merge([
            "KAFKA_URL": bootstrap, "PORT": String(port), "HOST": "127.0.0.1", "STREAM_FETCH_WAIT_MS": "10",
            "LOG_LEVEL": "warning", "STREAM_SHUTDOWN_GRACE_SECONDS": "3",
        ]) { _, new in new }
        environment.merge(extra) { _, new in new }
        environment["STREAM_TOKENS"] = extra["STREAM_TOKENS"]
        let process = try ChildProcess(executable: BuiltProducts.executable("stream"), environment: environment)
        let ready = try await eventually(timeout: .seconds(30)) {
            (try? await RawHTTP.get(port: port, path: "/ready").status) == 200
        }
        guard ready else { throw HarnessError("stream did not become ready: \(process.standardError)") }
        return (process, port)
    }

    @Test("two instances both deliver every event; SIGTERM closes clients with 1001 and exits 0")
    func twoInstances() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:4", "edm-ui-pageload:4"])
        let (first, firstPort) = try await Self.launch(bootstrap: broker.bootstrapServers)
        let (second, secondPort) = try await Self.launch(bootstrap: broker.bootstrapServers)
        let a = try await StreamClient.connect(port: firstPort)
        let b = try await StreamClient.connect(port: secondPort)

        var factory = EventFactory()
        let events = (0..<40).map { index in index % 2 == 0 ? factory.click(session: "s\(index)") : factory.pageLoad(session: "s\(index)") }
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce(events.map(factory.message))
        let expected = Set(events.map { $0.id.uuidString.lowercased() })
        #expect(try await a.waitForEvents(40))
        #expect(try await b.waitForEvents(40))
        #expect(Set(a.eventIDs) == expected)
        #expect(Set(b.eventIDs) == expected)
        // The figures reach /metrics of the process.
        let metrics = String(decoding: try await RawHTTP.get(port: secondPort, path: "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("stream_events_delivered_total 40"), "\(metrics)")
        #expect(metrics.contains("stream_events_consumed_total 40"))
        #expect(metrics.contains("stream_clients 1"))

        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
        #expect(try await eventually { a.closeCode != nil })
        #expect(a.closeCode == 1001)
        // The other instance is unaffected.
        let later = factory.click()
        try await producer.produce([factory.message(later)])
        #expect(try await b.waitForEvents(41))
        #expect(b.closeCode == nil)

        await b.close()
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        await producer.close()
        _ = try await broker.stop()
    }

    @Test("--help lists the options and config vars; a bad config var stops it with the variable named")
    func helpAndConfigErrors() async throws {
        let help = try await runCommand(BuiltProducts.executable("stream").path, ["--help"])
        #expect(help.status == 0)
        let text = String(decoding: help.stdout, as: UTF8.self)
        for name in ["PORT", "KAFKA_URL", "KAFKA_PREFIX", "STREAM_TOKENS", "STREAM_QUEUE_SIZE", "STREAM_OVERFLOW",
                     "STREAM_MAX_CLIENTS", "STREAM_REDACT_USER_AGENT", "STREAM_PING_INTERVAL_SECONDS", "/v1/stream"] {
            #expect(text.contains(name), "--help does not mention \(name)")
        }
        let process = try ChildProcess(
            executable: BuiltProducts.executable("stream"),
            environment: ["KAFKA_URL": "127.0.0.1:9", "STREAM_OVERFLOW": "sometimes", "PATH": "/usr/bin:/bin"])
        #expect(try await process.waitForExit() == 78)
        #expect(process.standardError.contains("STREAM_OVERFLOW"))
    }
}
