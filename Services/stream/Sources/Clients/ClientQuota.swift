import Synchronization

/// Connections per credential: per token when the stream has tokens, per client address when
/// it runs open, so one token (or one script in a loop) cannot take every place.
final class ClientQuota: Sendable {
    let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a place for `owner`; false when it already holds `limit`.
    func take(_ owner: String) -> Bool {
        counts.withLock { counts in
            let current = counts[owner, default: 0]
            guard current < limit else { return false }
            counts[owner] = current + 1
            return true
        }
    }

    func give(_ owner: String) {
        counts.withLock { counts in
            let remaining = counts[owner, default: 1] - 1
            counts[owner] = remaining > 0 ? remaining : nil
        }
    }

    func count(of owner: String) -> Int { counts.withLock { $0[owner, default: 0] } }
}
