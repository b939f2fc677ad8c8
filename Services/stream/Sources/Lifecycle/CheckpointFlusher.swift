import ServiceLifecycle

/// Ten times a second, queues the checkpoints that the minimum interval held back (see
/// `ClientOutbox.checkpointMinimumInterval`), so a client's cursor catches up with the last
/// batch before a pause within about 100 ms.
struct CheckpointFlusher: Service {
    let hub: ClientHub
    var interval: Duration = .milliseconds(100)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                hub.flushCheckpoints()
            }
        }
    }
}
