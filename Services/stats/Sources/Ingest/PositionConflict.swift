import EDMKafka

/// A stored next offset that the partition's log cannot continue from.
///
/// - beyond the end (`stored > high`): the log is not the one that was counted (a new cluster,
///   a recreated topic, a truncated log);
/// - before the start (`stored < low`): retention deleted `low - stored` events that were never
///   counted.
///
/// A position inside `low...high` is indistinguishable from a healthy one, even on a new log that
/// has already grown past it.
struct PositionConflict: Sendable, Hashable, CustomStringConvertible {
    enum Kind: String, Sendable, CaseIterable {
        case beyondEnd = "beyond_end"
        case beforeStart = "before_start"
    }

    var partition: TopicPartition
    var stored: Int64
    var low: Int64
    var high: Int64

    static func check(_ partition: TopicPartition, stored: Int64, low: Int64, high: Int64) -> PositionConflict? {
        guard stored > high || stored < low else { return nil }
        return PositionConflict(partition: partition, stored: stored, low: low, high: high)
    }

    var kind: Kind { stored > high ? .beyondEnd : .beforeStart }

    /// Events that will never be counted when the position moves to `low`: those retention
    /// removed after the stored position, or (on a log that is not the counted one) every event
    /// of the new log before its start.
    var lostEvents: Int64 { kind == .beforeStart ? low - stored : low }

    /// No commas: `/ready` lists its problems comma-separated.
    var description: String {
        switch kind {
        case .beyondEnd:
            return "\(partition) stored next offset \(stored) is beyond the partition's end \(high) (start \(low))"
        case .beforeStart:
            return "\(partition) stored next offset \(stored) is before the partition's start \(low): "
                + "\(lostEvents) events were deleted by retention before they were counted"
        }
    }
}
