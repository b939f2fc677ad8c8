import EDMEvents
import EDMKafka
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TestSupport

@testable import RelayService

/// The built `relay` executable: configuration errors, --help, and graceful shutdown under load.
@Suite("relay executable")
struct ExecutableTests {
    static func spawn(_ environment: [String: String], arguments: [String] = []) throws -> ChildProcess {
        try ChildProcess(executable: BuiltProducts.executable("relay"), arguments: arguments, environment: environment)
    }

    /// The port from the `relay listening` log line.
    static func port(of relay: ChildProcess, timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in relay.standardError.split(separator: "\n") where line.contains("relay listening") {
                if let field = line.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
                    let port = Int(field.dropFirst(5))
                {
                    return port
                }
            }
            if !relay.process.isRunning {
                throw ChildProcessError.exitedEarly(status: relay.process.terminationStatus, stderr: relay.standardError)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildProcessError.timedOut(what: "relay listening", stderr: relay.standardError)
    }

    /// Thread ids of `pid` whose signal mask lets SIGTERM through (from /proc/<pid>/task/*/status).
    static func threadsNotBlockingSIGTERM(pid: Int32) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.sorted().filter { task in
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigBlk:") }),
                let mask = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return true }
            return mask & (1 << (UInt64(SIGTERM) - 1)) == 0
        }
    }

    @Test("--help lists every option and every config var")
    func help() async throws {
        let relay = try Self.spawn([:], arguments: ["--help"])
        #expect(try await relay.waitForExit() == 0)
        let help = relay.standardOutput
        for variable in RelayConfigVariables.all {
            #expect(help.contains(variable.name), "\(variable.name) missing from --help")
        }
        for option in ["--port", "--host", "--check-config", "--noop-route"] {
            #expect(help.contains(option), "\(option) missing from --help")
        }
    }

    @Test("a missing KAFKA_URL stops the relay with a message naming it")
    func missingKafkaURL() async throws {
        let relay = try Self.spawn(["PORT": "0"])
        #expect(try await relay.waitForExit() == 78)
        #expect(relay.standardError.contains("KAFKA_URL is required"), "\(relay.standardError)")
    }

    @Test("an invalid config var is named", arguments: [
        ("ACK_TIMEOUT_MS", "soon"), ("MAX_BODY_BYTES", "-1"), ("RATE_LIMIT_PER_MINUTE", "many"),
        ("LOG_LEVEL", "loud"), ("CORS_ALLOWED_ORIGINS", "shop.example.com"), ("KAFKA_PREFIX", "bad prefix!"),
        ("LEGACY_ROUTES_OPEN", "maybe"), ("PORT", "70000"),
    ])
    func invalidVariable(_ variable: String, _ value: String) async throws {
        let relay = try Self.spawn(["KAFKA_URL": "127.0.0.1:1", variable: value], arguments: ["--check-config"])
        #expect(try await relay.waitForExit() == 78)
        #expect(relay.standardError.contains("\(variable) is invalid"), "\(relay.standardError)")
    }

    @Test("--check-config prints a summary without secrets")
    func checkConfig() async throws {
        let relay = try Self.spawn(
            ["KAFKA_URL": "kafka://127.0.0.1:9092", "API_KEYS": "very-secret-key", "CORS_ALLOWED_ORIGINS": "*"],
            arguments: ["--check-config"])
        #expect(try await relay.waitForExit() == 0)
        #expect(relay.standardOutput.contains("api_keys=set"))
        #expect(!relay.standardOutput.contains("very-secret-key"))
        #expect(!relay.standardError.contains("very-secret-key"))
    }

    @Test("SIGTERM under load: every 202 is in the topic, logs hold no bodies or keys, exit 0")
    func sigtermUnderLoad() async throws {
        let broker = try await TestBroker(topics: KafkaNames.allTopicBases.map { "\($0):4" })
        let relay = try Self.spawn([
            "KAFKA_URL": broker.bootstrapServers, "PORT": "0", "API_KEYS": "load-test-key-sentinel", "LOG_LEVEL": "debug",
        ])
        let port = try await Self.port(of: relay)
        // SIGTERM can only land on the main thread, where ServiceLifecycle's dispatch source
        // handles it; a librdkafka or NIO thread taking it would drop it (its disposition is ignore).
        let unblocked = Self.threadsNotBlockingSIGTERM(pid: relay.process.processIdentifier)
        #expect(unblocked == ["\(relay.process.processIdentifier)"], "threads that could take SIGTERM: \(unblocked)")
        let tally = LoadTally()
        let bodySentinel = "body-sentinel-button"

        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<6 {
                group.addTask {
                    var index = 0
                    // New connections until the server refuses them (it has stopped listening).
                    while true {
                        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10)))
                        client.connect()
                        var sent = 0
                        do {
                            while true {
                                let id = UUID()
                                let body = Payloads.click(id: id, sessionId: "w\(worker)", buttonId: "\(bodySentinel)-\(index)")
                                index += 1
                                let response = try await client.post(
                                    "/v1/events",
                                    headers: [.contentType: "application/json", .authorization: "Bearer load-test-key-sentinel"],
                                    body: ByteBuffer(string: body.text))
                                sent += 1
                                tally.record(response.status.code, id: id)
                            }
                        } catch {
                            try? await client.shutdown()
                            if sent == 0 { return }
                        }
                    }
                }
            }
            group.addTask {
                _ = try await eventually(timeout: .seconds(20)) { tally.acceptedIDs.count >= 300 }
                tally.markSignal()
                relay.signal(SIGTERM)
            }
            try await group.waitForAll()
        }
        #expect(try await relay.waitForExit(timeout: .seconds(30)) == 0)

        let ids = tally.acceptedIDs
        #expect(ids.count >= 300)
        #expect(tally.otherStatuses.allSatisfy { $0 == 503 }, "\(tally.otherStatuses)")
        // Requests in flight when the signal came were finished (and acknowledged), not dropped.
        #expect(ids.count > tally.acceptedAtSignal)
        let messages = try await BrokerIntegrationTests.read(
            ids.count, topics: [ClickProperties.topicBase], bootstrap: broker.bootstrapServers, partitions: 4)
        let stored = Set(messages.compactMap { message in
            (try? EventEnvelope.decode(from: Data(message.value ?? []))).map { $0.id.uuidString.lowercased() }
        })
        let missing = ids.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) of \(ids.count) acknowledged events are not in the topic")

        let log = relay.standardError
        #expect(log.contains("relay stopped"))
        #expect(log.contains("msg=request"))
        #expect(!log.contains(bodySentinel))
        #expect(!log.contains("load-test-key-sentinel"))
    }
}

/// What the load generator's workers saw, shared between them.
final class LoadTally: Sendable {
    private let state = Mutex<(accepted: [String], other: [Int], atSignal: Int)>(([], [], 0))

    func record(_ status: Int, id: UUID) {
        state.withLock { state in
            if status == 202 {
                state.accepted.append(id.uuidString.lowercased())
            } else {
                state.other.append(status)
            }
        }
    }

    func markSignal() {
        state.withLock { $0.atSignal = $0.accepted.count }
    }

    var acceptedAtSignal: Int { state.withLock { $0.atSignal } }
    var acceptedIDs: [String] { state.withLock { $0.accepted } }
    var otherStatuses: [Int] { state.withLock { $0.other } }
}
