import EDMEvents
import Foundation
import HummingbirdWSClient
import Logging

/// Follows the stream's WebSocket (`GET /v1/stream`) for as long as the task runs: connects,
/// forwards every frame, and after any failure or close reconnects with backoff, reporting each
/// state change. On each (re)connect it asks for a replay from the history's watermark
/// (`since=`), so events between the loaded history and the live feed are not lost; the ledger
/// drops what the history already holds.
public struct StreamClient: Sendable {
    public let url: String
    public let token: String?
    public let policy: ReconnectPolicy
    /// The oldest replay asked for: replay only bridges the seconds between a history and the
    /// connection; a longer gap is covered by reloading stats instead.
    public var maxReplay: TimeInterval = 60
    /// Replay starts this long before the watermark, for events stats counted out of order.
    public var replayMargin: TimeInterval = 5
    let logger: Logger

    public init(url: String, token: String?, policy: ReconnectPolicy = .standard, logger: Logger = Logger(label: "dashboard-tui")) {
        self.url = url
        self.token = token
        self.policy = policy
        self.logger = logger
    }

    /// Runs until cancelled. `watermark` is read before each connection; `send` gets frames and
    /// status changes in order.
    public func run(watermark: @escaping @Sendable () -> Date?, send: @escaping @Sendable (DashboardMessage) -> Void) async {
        var machine = ReconnectMachine(policy: policy)
        while !Task.isCancelled {
            machine.connecting()
            send(.streamStatus(machine.status))
            let since = replayStart(watermark: watermark(), now: Date())
            let failure: LinkFailure
            let connected = ConnectedFlag()
            do {
                let close = try await WebSocketClient.connect(
                    url: connectionURL(since: since), configuration: configuration(), logger: logger
                ) { inbound, _, _ in
                    // Reported from inside the handler: the upgrade succeeded.
                    let now = Date()
                    connected.set(now)
                    send(.streamStatus(.connected(since: now)))
                    if since != nil { send(.replayStarted) }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        send(.frame(StreamFrameDecoder.decode(text)))
                    }
                }
                let code = close.map { "\($0.closeCode)" } ?? "no close frame"
                failure = LinkFailure("closed by server (\(code)\(close?.reason.map { ": \($0)" } ?? ""))")
            } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
                failure = await UpgradeProbe.reason(url: connectionURL(since: since), token: token)
            } catch {
                if Task.isCancelled { break }
                failure = LinkFailure(StatsClient.describe(error))
            }
            if Task.isCancelled { break }
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

    /// `since` for the next connection: just before the watermark, but never further back than
    /// `maxReplay` (nil: no replay).
    func replayStart(watermark: Date?, now: Date) -> Date? {
        guard let watermark else { return nil }
        return max(watermark.addingTimeInterval(-replayMargin), now.addingTimeInterval(-maxReplay))
    }

    func connectionURL(since: Date?) -> String {
        guard let since else { return url }
        let separator = url.contains("?") ? "&" : "?"
        return url + separator + "since=" + StatsClient.escape(EventTimestamp.string(from: since))
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
