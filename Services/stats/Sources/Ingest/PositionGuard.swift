import EDMKafka
import Metrics
import Synchronization

/// The partitions held because their stored position lies outside their log (see
/// ``PositionConflict``), shared by the rebalance hooks, the ingest loop and `/ready`.
/// Messages of a held partition are dropped before they are counted and its stored position
/// stays as it is, until the position is moved (`stats reset-positions`) or the partition
/// leaves this member.
///
/// Series: `stats_position_conflicts{topic,partition,kind}` (1 while held),
/// `stats_position_resets_total{kind}` (positions this instance moved by policy) and
/// `stats_events_lost_to_retention_total` (the sum recorded in `stats_position_resets`, from any
/// instance or the command).
final class PositionGuard: Sendable {
    private let held = Mutex<[TopicPartition: (conflict: PositionConflict, gauge: Gauge)]>([:])
    private let heldCount = Atomic<Int>(0)
    private let lost = Counter(label: "stats_events_lost_to_retention_total")
    private let lostReported = Mutex<Int64>(0)

    /// Keeps `conflict.partition` from being counted.
    func hold(_ conflict: PositionConflict) {
        held.withLock { held in
            held[conflict.partition]?.gauge.destroy()
            let gauge = Gauge(
                label: "stats_position_conflicts",
                dimensions: [
                    ("topic", conflict.partition.topic), ("partition", String(conflict.partition.partition)),
                    ("kind", conflict.kind.rawValue),
                ])
            gauge.record(1)
            held[conflict.partition] = (conflict, gauge)
            heldCount.store(held.count, ordering: .relaxed)
        }
    }

    /// Lets `partitions` be counted again (their position was moved, or they left this member).
    func release(_ partitions: some Sequence<TopicPartition>) {
        held.withLock { held in
            for partition in partitions {
                held.removeValue(forKey: partition)?.gauge.destroy()
            }
            heldCount.store(held.count, ordering: .relaxed)
        }
    }

    var isHoldingAny: Bool { heldCount.load(ordering: .relaxed) > 0 }

    func isHeld(_ partition: TopicPartition) -> Bool {
        isHoldingAny && held.withLock { $0[partition] != nil }
    }

    var conflicts: [PositionConflict] {
        held.withLock { $0.values.map(\.conflict) }.sorted { $0.partition < $1.partition }
    }

    /// For `/ready`: nil while nothing is held.
    var problem: String? {
        let conflicts = self.conflicts
        guard !conflicts.isEmpty else { return nil }
        return conflicts.map(\.description).joined(separator: "; ")
            + "; not counting these partitions until `stats reset-positions` moves them (or STATS_ON_POSITION_RESET=reset)"
    }

    func recordReset(_ conflict: PositionConflict) {
        Counter(label: "stats_position_resets_total", dimensions: [("kind", conflict.kind.rawValue)]).increment()
    }

    /// Publishes the recorded total of lost events (the counter only ever grows with it).
    func reportLostTotal(_ total: Int64) {
        lostReported.withLock { reported in
            guard total > reported else { return }
            lost.increment(by: total - reported)
            reported = total
        }
    }
}
