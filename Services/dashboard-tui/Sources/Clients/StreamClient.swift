import EDMEvents
import Foundation
import HummingbirdWSClient
import Logging

/// Follows the stream's WebSocket (`GET /v1/stream`) for as long as the task runs: connects,
/// forwards every frame, and after any failure or close reconnects with backoff, reporting each
/// state change. Each connection resumes exactly: from stats' cursor for the current history
/// (`resume=`), or, after a disconnect, from the last checkpoint the stream gave for that
/// history, so no event is missed or counted twice. When a new history arrives the connection
/// moves to its cursor at once.
public struct StreamClient: Sendable {
    public let url: String
    public let token: String?
    public let policy: ReconnectPolicy
    let logger: Logger

    public init(url: String, token: String?, policy: ReconnectPolicy = .standard, logger: Logger = Logger(label: "dashboard-tui")) {
        self.url = url
        self.token = token
        self.policy = policy
        self.logger = logger
    }

    /// Runs until cancelled. `resume` is read before each connection; `send` gets frames and
    /// status changes in order.
    public func run(resume: ResumePointBox, send: @escaping @Sendable (DashboardMessage) -> Void) async {
        var machine = ReconnectMachine(policy: policy)
        let held = HeldCursor()
        var moving = false
        while !Task.isCancelled {
            // Moving to a newer history is not a failure: no connecting/retrying flicker.
            if !moving {
                machine.connecting()
                send(.streamStatus(machine.status))
            }
            let point = resume.current
            let cursor = held.cursor(generation: point.generation) ?? point.cursor
            let connectionURL = connectionURL(resume: cursor)
            let failure: LinkFailure
            let connected = ConnectedFlag()
            let moved = ConnectedFlag()
            do {
                let close = try await WebSocketClient.connect(
                    url: connectionURL, configuration: configuration(), logger: logger
                ) { inbound, outbound, _ in
                    // Reported from inside the handler: the upgrade succeeded.
                    let now = Date()
                    connected.set(now)
                    send(.streamStatus(.connected(since: now)))
                    send(.streamResumed(generation: point.generation, cursor: cursor))
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            while !Task.isCancelled {
                                await resume.changed.wait(timeout: .seconds(3_600))
                                guard !Task.isCancelled, resume.current.generation != point.generation else { continue }
                                moved.set(Date())
                                try await outbound.close(.normalClosure, reason: "moving to a newer history")
                                return
                            }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            let frame = StreamFrameDecoder.decode(text)
                            switch frame {
                            case .checkpoint(let cursor), .live(_, let cursor?): held.set(cursor, generation: point.generation)
                            default: break
                            }
                            send(.frame(frame))
                        }
                        group.cancelAll()
                    }
                }
                let code = close.map { "\($0.closeCode)" } ?? "no close frame"
                failure = LinkFailure("closed by server (\(code)\(close?.reason.map { ": \($0)" } ?? ""))")
            } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
                failure = await UpgradeProbe.reason(url: connectionURL, token: token)
            } catch {
                if Task.isCancelled { break }
                failure = LinkFailure(StatsClient.describe(error))
            }
            if Task.isCancelled { break }
            moving = moved.at != nil
            if moving { continue }
            // However the connection ended, how long it was up decides the backoff.
            if let at = connected.at { machine.connected(now: at) }
            let delay = machine.failed(failure, now: Date())
            send(.streamStatus(machine.status))
            logger.info("stream disconnected", metadata: ["reason": "\(failure.reason)", "retry_ms": "\(delay.milliseconds)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                break
            }
        }
    }

    func connectionURL(resume cursor: String?) -> String {
        guard let cursor else { return url }
        let separator = url.contains("?") ? "&" : "?"
        return url + separator + "resume=" + StatsClient.escape(cursor)
    }

    func configuration() -> WebSocketClientConfiguration {
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
        if let token { configuration.additionalHeaders[.authorization] = "Bearer \(token)" }
        return configuration
    }
}

/// Set by the connection handler when the upgrade succeeded, read after it returned.
final class ConnectedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var connectedAt: Date?

    func set(_ date: Date) { lock.withLock { connectedAt = date } }
    var at: Date? { lock.withLock { connectedAt } }
}

/// The newest cursor the stream gave, and for which history generation.
final class HeldCursor: @unchecked Sendable {
    private let lock = NSLock()
    private var held: (generation: Int, cursor: String)?

    func set(_ cursor: String, generation: Int) { lock.withLock { held = (generation, cursor) } }

    func cursor(generation: Int) -> String? {
        lock.withLock { held.flatMap { $0.generation == generation ? $0.cursor : nil } }
    }
}
