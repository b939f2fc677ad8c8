import CRdKafka

/// Serves the producer's delivery reports without a thread of its own: librdkafka calls back
/// (on its broker thread) when its main queue stops being empty, and this starts a task that
/// polls it once without blocking. The reports then resume their senders on the executor that
/// polled, so an ack reaches the waiting request in one hand-off (broker thread -> executor)
/// instead of two (broker thread -> poll thread -> executor); where the process runs tasks on
/// its I/O threads, the response is written from there too.
///
/// No report is missed: a poll moves every queued operation out before serving them, so one
/// arriving meanwhile finds the queue empty and triggers another poll.
final class DeliveryPoller: Sendable {
    private let client: NativeClient
    private let handleGuard: HandleGuard
    private nonisolated(unsafe) let queue: OpaquePointer

    init(client: NativeClient, handleGuard: HandleGuard) {
        self.client = client
        self.handleGuard = handleGuard
        queue = rd_kafka_queue_get_main(client.handle)
        // The producer holds this poller until after `stop()`, so the pointer stays valid for
        // every callback librdkafka makes.
        rd_kafka_queue_cb_event_enable(queue, { _, opaque in
            guard let opaque else { return }
            Unmanaged<DeliveryPoller>.fromOpaque(opaque).takeUnretainedValue().schedule()
        }, Unmanaged.passUnretained(self).toOpaque())
        // Anything queued before the callback was installed.
        schedule()
    }

    /// Called from librdkafka's threads: must not call into librdkafka or block.
    private func schedule() {
        Task { [self] in poll() }
    }

    private func poll() {
        // A producer being closed serves its last reports itself (flush); skip, never wait.
        handleGuard.useIfOpen { _ = rd_kafka_poll(client.handle, 0) }
    }

    /// Removes the callback and releases the queue; call before the client is destroyed.
    func stop() {
        rd_kafka_queue_cb_event_enable(queue, nil, nil)
        rd_kafka_queue_destroy(queue)
    }
}
