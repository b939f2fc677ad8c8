import Foundation

/// Lets one waiting task sleep until a deadline or until someone calls ``signal()``, whichever
/// comes first (the history loader waits for its refresh time or a reload request). A signal
/// given while nobody waits is kept for the next wait.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var cancelled = false
    private var continuation: CheckedContinuation<Void, Never>?

    func signal() {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            if let continuation {
                self.continuation = nil
                return continuation
            }
            pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns after `timeout`, on a signal, or when the task is cancelled.
    func wait(timeout: Duration) async {
        lock.withLock { cancelled = false }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    if pending || cancelled {
                        pending = false
                        return true
                    }
                    self.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
                cancelled = true
                defer { continuation = nil }
                return continuation
            }
            waiter?.resume()
        }
    }
}
