import EDMCore
import Foundation

/// How long to wait between attempts: exponential from `initialDelay`, capped at `maxDelay`,
/// with up to `jitter` (a fraction) added so many dashboards do not reconnect in lockstep.
public struct ReconnectPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Double
    public var jitter: Double
    /// A connection that lasted at least this long counts as healthy: the next failure starts
    /// the backoff from the beginning. A server that accepts and drops at once does not.
    public var stableAfter: Duration

    public init(
        initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30), multiplier: Double = 2,
        jitter: Double = 0.2, stableAfter: Duration = .seconds(10)
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.stableAfter = stableAfter
    }

    public static let standard = ReconnectPolicy()

    /// The wait after `failures` consecutive failures (1 = the first); `random` in 0..<1.
    public func delay(afterFailures failures: Int, random: Double) -> Duration {
        let base = seconds(initialDelay) * pow(multiplier, Double(max(0, failures - 1)))
        let capped = min(base, seconds(maxDelay))
        let jittered = min(seconds(maxDelay), capped * (1 + jitter * min(max(random, 0), 1)))
        return .milliseconds(Int64((jittered * 1000).rounded()))
    }

    func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }
}

/// The connect / connected / retrying / failed cycle shared by the stats loader and the stream
/// client. Pure: the caller does the waiting and the I/O, so every transition is testable.
public struct ReconnectMachine: Sendable {
    public let policy: ReconnectPolicy
    public private(set) var status: LinkStatus = .idle
    /// Failures since the last healthy connection.
    public private(set) var consecutiveFailures = 0
    private var connectedAt: Date?

    public init(policy: ReconnectPolicy = .standard) {
        self.policy = policy
    }

    public mutating func connecting() {
        status = .connecting(attempt: consecutiveFailures + 1)
    }

    public mutating func connected(now: Date) {
        connectedAt = now
        status = .connected(since: now)
    }

    /// Records a failed attempt or a lost connection; returns how long to wait before the next.
    public mutating func failed(_ failure: LinkFailure, now: Date, random: Double = Double.random(in: 0..<1)) -> Duration {
        if let connectedAt, now.timeIntervalSince(connectedAt) >= policy.seconds(policy.stableAfter) {
            consecutiveFailures = 0
        }
        connectedAt = nil
        consecutiveFailures += 1
        if failure.permanent {
            status = .failed(reason: failure.reason, retryAt: now.addingTimeInterval(policy.seconds(policy.maxDelay)))
            return policy.maxDelay
        }
        let delay = policy.delay(afterFailures: consecutiveFailures, random: random)
        status = .retrying(at: now.addingTimeInterval(policy.seconds(delay)), attempt: consecutiveFailures, reason: failure.reason)
        return delay
    }
}
