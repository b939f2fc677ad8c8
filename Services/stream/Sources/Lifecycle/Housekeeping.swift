import Dispatch
import Logging
import ServiceLifecycle

/// Once a second: samples queue depths, consumer lag and the ring size for `/metrics`, and
/// disconnects clients whose socket has accepted nothing for the stall timeout (their writer is
/// stuck in a write, so no close frame could reach them) or that did not take a requested close.
struct Housekeeping: Service {
    let hub: ClientHub
    let feed: LiveFeed
    let stallTimeout: Duration
    let metrics: StreamMetrics
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func sweep() {
        let sessions = hub.sessions
        let now = DispatchTime.now().uptimeNanoseconds
        metrics.queueDepths(sessions.map(\.queueDepth))
        metrics.clients(sessions.count)
        metrics.recentEvents(hub.recentCount)
        if let lag = feed.lag() { metrics.lag(lag) }
        for session in sessions {
            let stalled = session.stalledFor(now: now).map { $0 >= stallTimeout } ?? false
            let closeIgnored = session.closingFor(now: now).map { $0 >= stallTimeout } ?? false
            if stalled || closeIgnored, session.forceClose() {
                logger.warning("disconnected a client that stopped reading", metadata: ["client": "\(session.id)"])
                metrics.closed(.stalled)
            }
        }
    }
}
