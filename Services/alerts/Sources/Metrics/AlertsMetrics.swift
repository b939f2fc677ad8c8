import EDMEvents
import Metrics
import Synchronization

/// The service's figures: exported to Prometheus through swift-metrics, and kept as exact
/// per-process counts (``AlertsStats``) for tests and the benchmark.
public final class AlertsMetrics: Sendable {
    public let stats = AlertsStats()
    private let consumedCounter = Counter(label: "alerts_events_consumed_total")
    private let skippedCounters: [SkipReason: Counter] = Dictionary(
        uniqueKeysWithValues: SkipReason.decodeReasons.map {
            ($0, Counter(label: "alerts_messages_skipped_total", dimensions: [("reason", $0.rawValue)]))
        })
    private let publishFailures = Counter(label: "alerts_publish_failures_total")
    private let openWindows = Gauge(label: "alerts_open_windows")
    private let rebuilds = Counter(label: "alerts_rebuilds_total")
    private let rules: [String]
    private let lateCounters: [String: Counter]
    private let publishedCounters: [String: Counter]

    public init(rules: [AlertRule]) {
        self.rules = rules.map(\.name)
        lateCounters = Dictionary(
            uniqueKeysWithValues: rules.map { ($0.name, Counter(label: "alerts_late_events_total", dimensions: [("rule", $0.name)])) })
        publishedCounters = Dictionary(
            uniqueKeysWithValues: rules.flatMap { rule in
                ["warning", "critical", "resolved"].map {
                    ("\(rule.name)/\($0)", Counter(label: "alerts_published_total", dimensions: [("rule", rule.name), ("level", $0)]))
                }
            })
    }

    func consumed(_ count: Int) {
        guard count > 0 else { return }
        consumedCounter.increment(by: count)
        stats.consumed.add(count, ordering: .relaxed)
    }

    func skipped(_ reason: SkipReason) {
        skippedCounters[reason]?.increment()
        stats.skipped.add(1, ordering: .relaxed)
    }

    func late(_ counts: [String: Int]) {
        for (rule, count) in counts where count > 0 {
            lateCounters[rule]?.increment(by: count)
            stats.late.add(count, ordering: .relaxed)
        }
    }

    func published(_ alert: AlertProperties) {
        publishedCounters["\(alert.rule)/\(alert.resolved ? "resolved" : alert.level.rawValue)"]?.increment()
        stats.published.add(1, ordering: .relaxed)
    }

    func suppressed() {
        stats.suppressed.add(1, ordering: .relaxed)
    }

    func publishFailed() {
        publishFailures.increment()
        stats.publishFailures.add(1, ordering: .relaxed)
    }

    func windows(_ count: Int) {
        openWindows.record(count)
    }

    func rebuilt() {
        rebuilds.increment()
        stats.rebuilds.add(1, ordering: .relaxed)
    }
}

/// Exact counts of one process.
public final class AlertsStats: Sendable {
    public let consumed = Atomic<Int>(0)
    public let skipped = Atomic<Int>(0)
    public let late = Atomic<Int>(0)
    public let published = Atomic<Int>(0)
    /// Alerts decided again after a restart and not republished (already in edm-alerts).
    public let suppressed = Atomic<Int>(0)
    public let publishFailures = Atomic<Int>(0)
    public let rebuilds = Atomic<Int>(0)
    /// Set once the first assignment's rebuild finished and the stream is live.
    public let live = Atomic<Bool>(false)
}
