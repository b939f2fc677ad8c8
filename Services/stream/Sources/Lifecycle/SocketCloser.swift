import Logging
import ServiceLifecycle

/// On graceful shutdown (SIGTERM), before the HTTP server stops: refuses new clients, sends every
/// client what it has queued and a close with 1001 (going away), waits up to the grace period
/// for them to go, then cuts the connections that are still there. Listed after the HTTP
/// application so ServiceGroup (which stops services in reverse order) runs this first;
/// otherwise hummingbird-websocket would close the sockets with 1000 itself.
struct SocketCloser: Service {
    let hub: ClientHub
    let grace: Duration
    let metrics: StreamMetrics
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let sessions = hub.beginShutdown()
        guard !sessions.isEmpty else { return }
        logger.info("closing client connections", metadata: ["clients": "\(sessions.count)"])
        for session in sessions {
            session.requestClose(code: 1001, reason: "the server is shutting down", discardPending: false)
        }
        metrics.closed(.shutdown, count: sessions.count)
        let deadline = ContinuousClock.now + grace
        while !hub.sessions.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let remaining = hub.sessions
        if !remaining.isEmpty {
            logger.warning("cutting connections that did not close in time", metadata: ["clients": "\(remaining.count)"])
            for session in remaining { session.forceClose() }
        }
    }
}
