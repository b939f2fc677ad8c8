import EDMEvents
import Logging
import Metrics
import Synchronization

/// The service's figures: exported to Prometheus through swift-metrics, and also kept per
/// instance (`StreamStats`) so tests and logs can read exact counts of one server.
final class StreamMetrics: Sendable {
    enum CloseReason: String, CaseIterable {
        /// The overflow policy is `close` and the client's queue overflowed.
        case slow
        /// The client's socket accepted nothing for the stall timeout.
        case stalled
        /// SIGTERM: closed with 1001.
        case shutdown
        /// Replay could not finish in time.
        case replayFailed = "replay_failed"
    }

    let stats = StreamStats()
    private let clientsGauge = Gauge(label: "stream_clients")
    private let connectedCounter = Counter(label: "stream_clients_connected_total")
    private let consumedCounter = Counter(label: "stream_events_consumed_total")
    private let deliveredCounter = Counter(label: "stream_events_delivered_total")
    private let droppedCounter = Counter(label: "stream_events_dropped_total")
    private let skippedCounters: [SkipReason: Counter] = Dictionary(
        uniqueKeysWithValues: SkipReason.decodeReasons.map {
            ($0, Counter(label: "stream_messages_skipped_total", dimensions: [("reason", $0.rawValue)]))
        })
    private let closedCounters: [CloseReason: Counter] = Dictionary(
        uniqueKeysWithValues: CloseReason.allCases.map {
            ($0, Counter(label: "stream_clients_closed_total", dimensions: [("reason", $0.rawValue)]))
        })
    private let queueDepthMax = Gauge(label: "stream_client_queue_depth_max")
    private let queueDepthTotal = Gauge(label: "stream_client_queue_depth_total")
    private let queueDepthHistogram = Recorder(label: "stream_client_queue_depth", aggregate: true)
    private let lagGauge = Gauge(label: "stream_consumer_lag")
    private let recentGauge = Gauge(label: "stream_recent_events")

    func clients(_ count: Int) {
        clientsGauge.record(count)
    }

    func connected() {
        connectedCounter.increment()
        stats.connections.add(1, ordering: .relaxed)
    }

    func consumed(_ count: Int) {
        guard count > 0 else { return }
        consumedCounter.increment(by: count)
        stats.consumed.add(count, ordering: .relaxed)
    }

    func delivered(_ count: Int) {
        guard count > 0 else { return }
        deliveredCounter.increment(by: count)
        stats.delivered.add(count, ordering: .relaxed)
    }

    func dropped(_ count: Int) {
        droppedCounter.increment(by: count)
        stats.dropped.add(count, ordering: .relaxed)
    }

    func skipped(_ reason: SkipReason) {
        skippedCounters[reason]?.increment()
        stats.recordSkip(reason)
    }

    /// An upgrade refused before it happened (bad query 400, auth 401/403, full 503, ...).
    func rejected(status: Int) {
        Counter(label: "stream_upgrades_rejected_total", dimensions: [("status", String(status))]).increment()
    }

    func closed(_ reason: CloseReason, count: Int = 1) {
        closedCounters[reason]?.increment(by: count)
        stats.recordClose(reason.rawValue, count: count)
    }

    /// A replay had to read on because the client's live lane overflowed while it ran.
    /// A partition's offsets went backwards under the feed (see `ClientHub.PartitionReset`).
    func partitionReset(_ reset: ClientHub.PartitionReset) {
        Counter(label: "stream_partition_resets_total").increment()
        stats.partitionResets.add(1, ordering: .relaxed)
        resetLogger.error(
            "a partition's offsets went backwards (topic recreated or a new cluster); following the new log",
            metadata: [
                "topic": "\(reset.partition.topic)", "partition": "\(reset.partition.partition)",
                "previous_position": "\(reset.previous)", "new_position": "\(reset.offset)",
            ])
    }

    private let resetLogger = Logger(label: "stream.feed")

    /// A resume cursor older than retention: `records` are gone for that client.
    func resumeGap(records: Int64) {
        Counter(label: "stream_resume_gaps_total").increment()
        Counter(label: "stream_resume_gap_records_total").increment(by: records)
    }

    func replayCaughtUp() {
        Counter(label: "stream_replay_catch_ups_total").increment()
        stats.catchUps.add(1, ordering: .relaxed)
    }

    func replayed(source: ReplaySource, events: Int) {
        Counter(label: "stream_replays_total", dimensions: [("source", source.rawValue)]).increment()
        Counter(label: "stream_replay_events_total", dimensions: [("source", source.rawValue)]).increment(by: events)
    }

    /// Samples every client's queue depth (called about once a second).
    func queueDepths(_ depths: [Int]) {
        queueDepthMax.record(depths.max() ?? 0)
        queueDepthTotal.record(depths.reduce(0, +))
        for depth in depths { queueDepthHistogram.record(depth) }
    }

    func lag(_ messages: Int64) {
        lagGauge.record(messages)
    }

    func recentEvents(_ count: Int) {
        recentGauge.record(count)
    }
}

/// Exact counts for one server instance (the Prometheus registry is process-wide).
public final class StreamStats: Sendable {
    let connections = Atomic<Int>(0)
    let consumed = Atomic<Int>(0)
    let delivered = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let catchUps = Atomic<Int>(0)
    let partitionResets = Atomic<Int>(0)
    private let skips = Mutex<[String: Int]>([:])
    private let closes = Mutex<[String: Int]>([:])

    /// Clients that completed the upgrade.
    public var connectionCount: Int { connections.load(ordering: .relaxed) }
    /// Valid events read from the topics.
    public var consumedCount: Int { consumed.load(ordering: .relaxed) }
    /// Event frames written to clients.
    public var deliveredCount: Int { delivered.load(ordering: .relaxed) }
    /// Events not sent to slow clients.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }
    /// Messages skipped as garbage, by ``SkipReason`` label (`malformed_json`, `invalid_event`, ...).
    public var skippedCounts: [String: Int] { skips.withLock { $0 } }
    /// Clients closed by the server, by reason (`slow`, `stalled`, `shutdown`, `replay_failed`).
    public var closedCounts: [String: Int] { closes.withLock { $0 } }
    /// Partitions whose offsets went backwards under the feed.
    public var partitionResetCount: Int { partitionResets.load(ordering: .relaxed) }
    /// Replays that had to read further because the live lane overflowed meanwhile.
    public var catchUpCount: Int { catchUps.load(ordering: .relaxed) }

    func recordSkip(_ reason: SkipReason) {
        skips.withLock { $0[reason.rawValue, default: 0] += 1 }
    }

    func recordClose(_ reason: String, count: Int) {
        closes.withLock { $0[reason, default: 0] += count }
    }
}
