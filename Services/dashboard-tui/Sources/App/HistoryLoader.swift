import Foundation
import Logging

/// Keeps the history fresh: loads it from stats at start, every `refreshInterval`, and when
/// asked (reload key, stream reconnect, dropped events); after a failure it retries with
/// backoff and reports the state (connected / reconnecting in Ns / error).
public final class HistoryLoader: Sendable {
    let client: StatsClient
    let refreshInterval: Duration
    let policy: ReconnectPolicy
    let logger: Logger
    private let wake = WakeSignal()
    private let firstAttempt = WakeSignal()

    public init(
        client: StatsClient, refreshInterval: Duration, policy: ReconnectPolicy = .standard,
        logger: Logger = Logger(label: "dashboard-tui")
    ) {
        self.client = client
        self.refreshInterval = refreshInterval
        self.policy = policy
        self.logger = logger
    }

    /// Asks for a load now (coalesced with one already asked for).
    public func requestReload() { wake.signal() }

    /// Returns once the first load has succeeded or failed (or after `timeout`).
    public func waitForFirstAttempt(timeout: Duration) async {
        await firstAttempt.wait(timeout: timeout)
    }

    /// Runs until cancelled. `types` is read before each load (new types stats reports are added).
    public func run(types: @escaping @Sendable () -> [String], send: @escaping @Sendable (DashboardMessage) -> Void) async {
        var machine = ReconnectMachine(policy: policy)
        while !Task.isCancelled {
            if !machine.status.isConnected {
                machine.connecting()
                send(.statsStatus(machine.status))
            }
            let wait: Duration
            do {
                let snapshot = try await client.loadHistory(types: types(), now: Date())
                if !machine.status.isConnected {
                    machine.connected(now: Date())
                    send(.statsStatus(machine.status))
                }
                send(.historyLoaded(snapshot))
                if let alerts = await client.loadAlerts() { send(.alertsLoaded(alerts)) }
                wait = refreshInterval
            } catch {
                if Task.isCancelled { break }
                wait = machine.failed(error, now: Date())
                send(.statsStatus(machine.status))
                logger.info("stats load failed", metadata: ["reason": "\(error.reason)", "retry_ms": "\(wait.milliseconds)"])
            }
            firstAttempt.signal()
            await wake.wait(timeout: wait)
        }
    }
}
