import Synchronization

/// Counts batches between being taken from the consumer and being committed (up to two: one
/// decoding while the previous one commits), so a partition revoke can wait for them before
/// another member takes over (less work redone; correctness does not depend on it: the offset
/// fence drops whatever a late commit would double count).
final class BatchGate: Sendable {
    private struct State {
        var inFlight = 0
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    var isBusy: Bool { state.withLock { $0.inFlight > 0 } }

    func enter() {
        state.withLock { $0.inFlight += 1 }
    }

    func leave() {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Waits until no batch is in flight; false when `timeout` passed first.
    func waitUntilIdle(timeout: Duration) async -> Bool {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                if state.inFlight == 0 { return true }
                state.waiters[id] = continuation
                return false
            }
            if idle {
                continuation.resume(returning: true)
                return
            }
            // Registered before the timer starts, so the timeout can always find the waiter.
            Task {
                try? await Task.sleep(for: timeout)
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
            }
        }
    }
}
