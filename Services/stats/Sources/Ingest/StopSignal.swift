import Synchronization

/// A one-way "stop now" flag that waiting tasks can also await, so a consumer blocked waiting
/// for messages wakes immediately on shutdown instead of at its next timeout.
final class StopSignal: Sendable {
    private struct State {
        var stoppedAt: ContinuousClock.Instant?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    var isStopped: Bool { state.withLock { $0.stoppedAt != nil } }

    /// When `stop()` was first called.
    var stoppedAt: ContinuousClock.Instant? { state.withLock { $0.stoppedAt } }

    func stop() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.stoppedAt == nil else { return [] }
            state.stoppedAt = .now
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once stopped, or when the calling task is cancelled.
    func wait() async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.stoppedAt != nil || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Sleeps for `duration` unless stopped first; false when it was stopped.
    @discardableResult
    func sleep(for duration: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                (try? await Task.sleep(for: duration)) != nil
            }
            group.addTask {
                await self.wait()
                return false
            }
            let slept = await group.next() ?? false
            group.cancelAll()
            return slept && !isStopped
        }
    }
}
