import DequeModule
import Foundation
import Synchronization

/// Which body each recent Idempotency-Key came with, so a key reused for a different request
/// gets 422 instead of being taken for a retry. Kept per instance, bounded in size and time:
/// across instances a reuse is not refused, but it cannot lose events either, because derived
/// ids include each event's content (a different event gets a different id).
final class IdempotencyLedger: Sendable {
    let capacity: Int
    let lifetime: Duration

    private struct Entry {
        var digest: UUID
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Keys in the order first seen, for eviction.
        var order = Deque<String>()
    }

    private let state = Mutex(State())

    init(capacity: Int = 100_000, lifetime: Duration = .seconds(24 * 3600)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// Records `digest` for `key` within `scope` (the client); false when the key is already
    /// held with another body.
    func admit(scope: String, key: IdempotencyKey, digest: UUID, now: ContinuousClock.Instant = .now) -> Bool {
        let name = scope + "\u{0}" + key.value
        return state.withLock { state in
            if let entry = state.entries[name], entry.expires > now {
                return entry.digest == digest
            }
            if state.entries[name] == nil { state.order.append(name) }
            state.entries[name] = Entry(digest: digest, expires: now + lifetime)
            while state.entries.count > capacity, let oldest = state.order.popFirst() {
                state.entries[oldest] = nil
            }
            return true
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
