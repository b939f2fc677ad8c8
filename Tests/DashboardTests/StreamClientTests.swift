import DashboardTUI
import EDMEvents
import Foundation
import Testing
import TestSupport

/// Messages a client sent, for assertions from the test.
final class MessageRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [DashboardMessage] = []

    func append(_ message: DashboardMessage) { lock.withLock { messages.append(message) } }
    var all: [DashboardMessage] { lock.withLock { messages } }

    var statuses: [LinkStatus] {
        all.compactMap { if case .streamStatus(let status) = $0 { status } else { nil } }
    }
    var connections: Int { statuses.filter(\.isConnected).count }
    var statsStatuses: [LinkStatus] {
        all.compactMap { if case .statsStatus(let status) = $0 { status } else { nil } }
    }
    var histories: [HistorySnapshot] {
        all.compactMap { if case .historyLoaded(let history) = $0 { history } else { nil } }
    }
    var events: [LiveEvent] {
        all.compactMap { if case .frame(.event(let event)) = $0 { event } else { nil } }
    }
    var checkpoints: [String] {
        all.compactMap { if case .frame(.checkpoint(let cursor)) = $0 { cursor } else { nil } }
    }
    var resumedGenerations: [Int] {
        all.compactMap { if case .streamResumed(let generation, _) = $0 { generation } else { nil } }
    }
    /// Events that arrived after the connection for `generation` began.
    func events(afterGeneration generation: Int) -> [LiveEvent] {
        let messages = all
        guard let start = messages.firstIndex(where: { if case .streamResumed(generation, _) = $0 { true } else { false } })
        else { return [] }
        return messages[start...].compactMap { if case .frame(.event(let event)) = $0 { event } else { nil } }
    }
}

/// `StreamClient` against the real `stream` executable (edm-broker underneath): events arrive
/// decoded, a restart of the server is a reconnect with replay, and the model counts each
/// event once through it all.
@Suite("StreamClient against the running stream service", .serialized)
struct StreamClientTests {
    let policy = ReconnectPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0)

    func startStream(broker: TestBroker, port: Int, tokens: String? = nil) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_URL"] = broker.bootstrapServers
        environment["PORT"] = String(port)
        environment["HOST"] = "127.0.0.1"
        environment["LOG_LEVEL"] = "warning"
        environment["STREAM_FETCH_WAIT_MS"] = "10"
        environment["STREAM_SHUTDOWN_GRACE_SECONDS"] = "1"
        if let tokens { environment["STREAM_TOKENS"] = tokens }
        return try ChildProcess(executable: BuiltProducts.executable("stream"), environment: environment)
    }

    @Test("events arrive; a server restart is survived by resuming from the last checkpoint: nothing missed, nothing repeated")
    func followAndReconnect() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let port = try TestPostgres.freePort()
        var stream = try startStream(broker: broker, port: port)
        let recorder = MessageRecorder()
        let client = StreamClient(url: "ws://127.0.0.1:\(port)/v1/stream", token: nil, policy: policy)
        // History generation 1 with an empty stats cursor: every event from the start is live.
        let resume = ResumePointBox()
        resume.update(ResumePoint(generation: 1, cursor: StreamCursor().encoded))
        let task = Task { await client.run(resume: resume, send: recorder.append) }
        defer { task.cancel() }
        try await waitUntil("first connection") { recorder.connections >= 1 }

        let first = (0..<3).map { Self.click("before-\($0)") }
        try await Self.produce(first, broker: broker.bootstrapServers)
        try await waitUntil("three events") { recorder.events.count >= 3 }
        #expect(Set(recorder.events.map(\.id)) == Set(first.map(\.id)))
        #expect(recorder.events.first { $0.id == first[0].id }?.buttonId == "before-0")
        try await waitUntil("a checkpoint after them") { recorder.checkpoints.count >= 1 }

        stream.signal(SIGTERM)
        _ = try await stream.waitForExit()
        try await waitUntil("reconnecting") {
            if case .retrying = recorder.statuses.last { return true }
            return false
        }
        let whileDown = (0..<2).map { Self.click("down-\($0)") }
        try await Self.produce(whileDown, broker: broker.bootstrapServers)
        stream = try startStream(broker: broker, port: port)
        try await waitUntil("second connection") { recorder.connections >= 2 }
        try await waitUntil("missed events") { Set(recorder.events.map(\.id)).isSuperset(of: whileDown.map(\.id)) }

        // Resumed from the checkpoint, not from the start: nothing was sent twice.
        #expect(recorder.events.count == 5)
        #expect(Set(recorder.events.map(\.id)) == Set((first + whileDown).map(\.id)))
        var model = DashboardModel(now: Date())
        _ = model.update(.historyLoaded(Fixtures.history(cursor: StreamCursor().encoded)))
        var effects: [DashboardEffect] = []
        for message in recorder.all { effects += model.update(message) }
        #expect(model.total(of: "click") == 5)
        #expect(model.ledger.duplicates == 0)
        #expect(effects.isEmpty)

        // A new history moves the connection to its cursor at once, without a reconnect status.
        let statusesBefore = recorder.statuses.count
        resume.update(ResumePoint(generation: 2, cursor: StreamCursor().encoded))
        try await waitUntil("moved to generation 2") { recorder.resumedGenerations.contains(2) }
        try await waitUntil("the events again, for the new history") { recorder.events(afterGeneration: 2).count >= 5 }
        #expect(Set(recorder.events(afterGeneration: 2).map(\.id)) == Set((first + whileDown).map(\.id)))
        #expect(!recorder.statuses.dropFirst(statusesBefore).contains { if case .retrying = $0 { true } else { false } })
        stream.signal(SIGTERM)
        _ = try await stream.waitForExit()
    }

    @Test("a refused token is reported as an error with the server's status")
    func refusedToken() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let port = try TestPostgres.freePort()
        let stream = try startStream(broker: broker, port: port, tokens: "right-token")
        let recorder = MessageRecorder()
        let client = StreamClient(url: "ws://127.0.0.1:\(port)/v1/stream", token: "wrong-token", policy: policy)
        let task = Task { await client.run(resume: ResumePointBox(), send: recorder.append) }
        defer { task.cancel() }
        try await waitUntil("refusal", context: { "\(recorder.statuses.suffix(3))" }) {
            recorder.statuses.contains { if case .failed(let reason, _) = $0 { reason == "HTTP 403: the key is not accepted" } else { false } }
        }
        #expect(recorder.connections == 0, "\(recorder.statuses)")
        stream.signal(SIGTERM)
        _ = try await stream.waitForExit()
    }

    static func click(_ buttonId: String) -> EventEnvelope {
        EventEnvelope(occurredAt: Date(), receivedAt: Date(), sessionId: "session-\(buttonId)", properties: ClickProperties(buttonId: buttonId))
    }

    static func produce(_ events: [EventEnvelope], broker: String) async throws {
        let lines = events.map { $0.sessionId + "\t" + String(decoding: $0.jsonData(), as: UTF8.self) }.joined(separator: "\n") + "\n"
        let result = try await runCommand("/usr/bin/env", ["kcat", "-P", "-b", broker, "-t", "edm-ui-click", "-K", "\t"], stdin: Data(lines.utf8))
        #expect(result.status == 0, "kcat: \(result.stderr)")
    }
}
