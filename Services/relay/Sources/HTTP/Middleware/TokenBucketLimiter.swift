import EDMCore
import Synchronization

/// One token bucket per client key: `burst` tokens, refilled at `perSecond`. In memory and per
/// process (each dyno limits on its own), bounded to `maxClients` buckets.
final class TokenBucketLimiter: Sendable {
    enum Decision: Equatable, Sendable {
        case allowed
        /// Whole seconds until a token is available (for Retry-After).
        case limited(retryAfterSeconds: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let capacity: Double
    private let perSecond: Double
    private let maxClients: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(limit: RateLimit, maxClients: Int = 10_000) {
        capacity = Double(limit.burst)
        perSecond = Double(limit.requestsPerMinute) / 60
        self.maxClients = maxClients
    }

    /// Clients with a bucket in memory.
    var clientCount: Int { buckets.withLock { $0.count } }

    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Decision {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + perSecond * Self.seconds(now - bucket.updated))
            bucket.updated = now
            let decision: Decision
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                decision = .allowed
            } else {
                decision = .limited(retryAfterSeconds: max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))))
            }
            buckets[key] = bucket
            if buckets.count > maxClients { evict(&buckets, now: now) }
            return decision
        }
    }

    /// Drops buckets that have refilled (forgetting them changes nothing); if every client is
    /// still active, drops all but the newest half rather than grow without bound.
    private func evict(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        buckets = buckets.filter { $0.value.tokens + perSecond * Self.seconds(now - $0.value.updated) < capacity }
        if buckets.count > maxClients {
            let newest = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(maxClients / 2)
            buckets = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }
}
