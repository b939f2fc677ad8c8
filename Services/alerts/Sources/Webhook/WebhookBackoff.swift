/// Retry delays of the webhook: exponential from `initial`, capped at `maximum`, with "equal
/// jitter" (half the delay fixed, half random) so instances retrying after one outage spread
/// out instead of hitting the receiver together.
struct WebhookBackoff: Sendable {
    let initial: Duration
    let maximum: Duration
    private(set) var failures = 0

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before the next attempt, after one more failure.
    mutating func next<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        let ceiling = self.ceiling
        failures += 1
        let half = ceiling / 2
        let jitter = Double.random(in: 0...1, using: &generator)
        return half + half * jitter
    }

    mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }

    /// The delay's upper bound for the next failure: initial x 2^failures, at most `maximum`.
    var ceiling: Duration {
        var delay = initial
        for _ in 0..<min(failures, 40) where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }

    mutating func reset() { failures = 0 }
}
