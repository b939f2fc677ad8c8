import Metrics
import Synchronization

/// The webhook sink's figures: Prometheus through swift-metrics, plus exact per-process counts
/// (``WebhookStats``) for tests.
public final class WebhookMetrics: Sendable {
    /// Why an alert left the queue without being delivered.
    enum DropReason: String, CaseIterable, Sendable {
        /// The queue was full and this was its oldest alert.
        case queueFull = "queue_full"
        /// The receiver answered with a status that retrying cannot fix (4xx but 408 and 429).
        case rejected
        /// Still queued when the shutdown grace ran out.
        case shutdown
    }

    public let stats = WebhookStats()
    private let deliveredCounter = Counter(label: "alerts_webhook_delivered_total")
    private let failedAttemptsCounter = Counter(label: "alerts_webhook_failed_attempts_total")
    private let droppedCounters: [DropReason: Counter] = Dictionary(
        uniqueKeysWithValues: DropReason.allCases.map {
            ($0, Counter(label: "alerts_webhook_dropped_total", dimensions: [("reason", $0.rawValue)]))
        })
    private let depthGauge = Gauge(label: "alerts_webhook_queue_depth")

    public init() {}

    func delivered() {
        deliveredCounter.increment()
        stats.delivered.add(1, ordering: .relaxed)
    }

    func failedAttempt() {
        failedAttemptsCounter.increment()
        stats.failedAttempts.add(1, ordering: .relaxed)
    }

    func dropped(_ reason: DropReason, count: Int = 1) {
        guard count > 0 else { return }
        droppedCounters[reason]?.increment(by: count)
        stats.dropped.add(count, ordering: .relaxed)
    }

    func depth(_ count: Int) {
        depthGauge.record(count)
    }
}

/// Exact counts of one process's webhook.
public final class WebhookStats: Sendable {
    public let delivered = Atomic<Int>(0)
    public let failedAttempts = Atomic<Int>(0)
    public let dropped = Atomic<Int>(0)
}
