import DequeModule
import Synchronization

/// An alert waiting for the webhook: its id (also the `Idempotency-Key`) and its canonical
/// envelope JSON, the same bytes as on `edm-alerts`.
public struct WebhookAlert: Sendable, Equatable {
    public var id: String
    public var body: [UInt8]
}

/// The webhook's bounded in-memory queue: the consumer loop pushes without ever waiting (a
/// full queue drops its oldest alert instead), the sink takes the oldest. The alert being
/// delivered stays at the head until it is done, so it counts against the limit and can be the
/// one dropped while the receiver is down.
final class WebhookQueue: Sendable {
    struct Entry: Sendable {
        let sequence: UInt64
        let alert: WebhookAlert
    }

    private struct State {
        var entries = Deque<Entry>()
        var nextSequence: UInt64 = 0
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        precondition(limit >= 1, "a webhook queue holds at least one alert")
        self.limit = limit
    }

    /// Adds `alert`; returns the oldest alert when the queue was full and dropped it.
    func push(_ alert: WebhookAlert) -> WebhookAlert? {
        let (dropped, waiter) = state.withLock { state -> (WebhookAlert?, CheckedContinuation<Void, Never>?) in
            let dropped = state.entries.count >= limit ? state.entries.popFirst()?.alert : nil
            state.entries.append(Entry(sequence: state.nextSequence, alert: alert))
            state.nextSequence &+= 1
            defer { state.waiter = nil }
            return (dropped, state.waiter)
        }
        waiter?.resume()
        return dropped
    }

    /// The oldest alert, left in the queue.
    var head: Entry? { state.withLock { $0.entries.first } }

    var count: Int { state.withLock { $0.entries.count } }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Removes the entry `sequence` if it is still the head (it may have been dropped meanwhile).
    func remove(_ sequence: UInt64) {
        state.withLock { state in
            if state.entries.first?.sequence == sequence { state.entries.removeFirst() }
        }
    }

    /// Empties the queue; returns how many alerts it held.
    func removeAll() -> Int {
        state.withLock { state in
            defer { state.entries.removeAll() }
            return state.entries.count
        }
    }

    /// Returns once an alert waits, the queue is closed or the task is cancelled.
    func waitForAlert() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if !state.entries.isEmpty || state.closed || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
    }

    /// No more waiting for alerts: the sink drains what is queued and stops.
    func close() {
        state.withLock { $0.closed = true }
        wake()
    }

    private func wake() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }
}
