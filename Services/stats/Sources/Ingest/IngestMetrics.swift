import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import Metrics
import Synchronization

/// The consumer's Prometheus series (rendered by `/metrics` through swift-metrics):
///
/// - `stats_events_counted_total{type}`: events added to the aggregates
/// - `stats_events_duplicate_total`: events dropped because their id was seen before
/// - `stats_messages_skipped_total{reason}`: messages that are not countable events
/// - `stats_messages_fenced_total`: messages below their partition's stored offset
/// - `stats_batch_messages`: messages per committed transaction (histogram)
/// - `stats_batch_commit_seconds`: time per committed transaction (histogram)
/// - `stats_batch_commit_failures_total`: failed commit attempts (retried)
/// - `stats_ingest_messages_per_second`: committed messages per second over the last 10 s
/// - `stats_ingest_paused`: 1 while batches are failing to commit (database unavailable)
/// - `stats_consumer_lag{topic,partition}`: high watermark minus position, per owned partition
final class IngestMetrics: Sendable {
    private let countedByType = Mutex<[String: Counter]>([:])
    private let skippedByReason = Mutex<[SkipReason: Counter]>([:])
    private let lagGauges = Mutex<[TopicPartition: Gauge]>([:])
    private let duplicates: Counter
    private let fenced: Counter
    private let batchSize: Recorder
    private let commitTime: Timer
    private let failures: Counter
    private let rateGauge: Gauge
    private let pausedGauge: Gauge
    private let rate = RateWindow(window: .seconds(10))

    init() {
        duplicates = Counter(label: "stats_events_duplicate_total")
        fenced = Counter(label: "stats_messages_fenced_total")
        batchSize = Recorder(label: "stats_batch_messages", aggregate: true)
        commitTime = Timer(label: "stats_batch_commit_seconds")
        failures = Counter(label: "stats_batch_commit_failures_total")
        rateGauge = Gauge(label: "stats_ingest_messages_per_second")
        pausedGauge = Gauge(label: "stats_ingest_paused")
        pausedGauge.record(0)
        rateGauge.record(0)
    }

    func recordCommit(_ outcome: BatchOutcome, messages: Int, duration: Duration) {
        for (type, count) in outcome.counted {
            counter(forType: type).increment(by: count)
        }
        for (reason, count) in outcome.skipped {
            counter(for: reason).increment(by: count)
        }
        if outcome.duplicates > 0 { duplicates.increment(by: outcome.duplicates) }
        if outcome.fenced > 0 { fenced.increment(by: outcome.fenced) }
        batchSize.record(messages)
        commitTime.recordNanoseconds(duration.nanoseconds)
        rate.add(messages)
        rateGauge.record(rate.perSecond())
    }

    func recordFailedCommit() {
        failures.increment()
    }

    func setPaused(_ paused: Bool) {
        pausedGauge.record(paused ? 1 : 0)
    }

    /// Publishes lag for the owned partitions and retires the series of partitions that left.
    func updateLag(_ lags: [PartitionLag]) {
        rateGauge.record(rate.perSecond())
        lagGauges.withLock { gauges in
            let owned = Set(lags.map(\.partition))
            for (partition, gauge) in gauges where !owned.contains(partition) {
                gauge.destroy()
                gauges[partition] = nil
            }
            for lag in lags {
                guard let value = lag.lag else { continue }
                let gauge = gauges[lag.partition] ?? Gauge(
                    label: "stats_consumer_lag",
                    dimensions: [("topic", lag.partition.topic), ("partition", String(lag.partition.partition))])
                gauges[lag.partition] = gauge
                gauge.record(value)
            }
        }
    }

    private func counter(forType type: String) -> Counter {
        countedByType.withLock { counters in
            if let counter = counters[type] { return counter }
            let counter = Counter(label: "stats_events_counted_total", dimensions: [("type", type)])
            counters[type] = counter
            return counter
        }
    }

    private func counter(for reason: SkipReason) -> Counter {
        skippedByReason.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = Counter(label: "stats_messages_skipped_total", dimensions: [("reason", reason.rawValue)])
            counters[reason] = counter
            return counter
        }
    }
}

/// Messages per second over a sliding window, for a gauge a dashboard can read directly.
final class RateWindow: Sendable {
    private let window: Duration
    private let samples = Mutex<[(ContinuousClock.Instant, Int)]>([])

    init(window: Duration) {
        self.window = window
    }

    func add(_ count: Int) {
        samples.withLock { $0.append((.now, count)) }
    }

    func perSecond() -> Double {
        let now = ContinuousClock.now
        return samples.withLock { samples in
            samples.removeAll { now - $0.0 > window }
            let total = samples.reduce(0) { $0 + $1.1 }
            return Double(total) / EventTimePolicy.seconds(window)
        }
    }
}
