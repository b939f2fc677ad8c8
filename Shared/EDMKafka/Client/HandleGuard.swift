import Foundation

/// Lets any number of threads use a client handle at once while guaranteeing that `retire`
/// waits for them and that nobody uses the handle afterwards (a read-write lock).
final class HandleGuard: @unchecked Sendable {
    private var lock = pthread_rwlock_t()
    private var retired = false

    init() {
        pthread_rwlock_init(&lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(&lock)
    }

    /// Runs `work` unless the handle was retired, in which case it throws `.closed`.
    func use<T>(_ work: () throws -> T) throws -> T {
        pthread_rwlock_rdlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        guard !retired else { throw KafkaError.closedError }
        return try work()
    }

    /// Runs `work` unless the handle is retired or being retired; never waits for `retire`.
    func useIfOpen(_ work: () -> Void) {
        guard pthread_rwlock_tryrdlock(&lock) == 0 else { return }
        defer { pthread_rwlock_unlock(&lock) }
        guard !retired else { return }
        work()
    }

    /// Waits for current users, runs `destroy` once, and refuses every later use.
    func retire(_ destroy: () -> Void) {
        pthread_rwlock_wrlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        guard !retired else { return }
        retired = true
        destroy()
    }
}
