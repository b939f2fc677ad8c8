import Foundation

/// The pool's bookkeeping, mutated only under its lock. Continuations are resumed by the caller
/// after the lock is released.
final class PoolState: @unchecked Sendable {
    enum Grant: Sendable {
        /// An idle connection (to be validated before use).
        case connection(PostgresConnection)
        /// Permission to open a new connection; it counts against the pool size already.
        case slot
    }

    struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
        var timer: Task<Void, Never>?
    }

    private let lock = NSLock()
    /// Connecting, idle, and lent out.
    var open = 0
    var idle: [PostgresConnection] = []
    var waiters: [Waiter] = []
    var closed = false
    var totalOpened = 0
    private var nextID: UInt64 = 0

    func withLock<T>(_ body: (PoolState) throws -> T) rethrows -> T {
        try lock.withLock { try body(self) }
    }

    func makeID() -> UInt64 {
        withLock { state in
            state.nextID += 1
            return state.nextID
        }
    }

    /// Removes and returns the waiter with `id`, if it is still waiting.
    func removeWaiter(_ id: UInt64) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }
}
