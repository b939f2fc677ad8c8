import EDMKafka
import EDMPostgres

/// A partition whose next message is past its stored next offset: the log no longer held the
/// offsets in between when they were read (retention overtook a lagging consumer and librdkafka
/// restarted at the earliest offset, or a first read of a log retention had already trimmed).
/// Those events were never counted; the commit that reads past the gap records them as lost in
/// `stats_position_resets` (kind `gap`), so the loss is never silent.
///
/// This assumes offsets of the event topics are contiguous, as with every producer that writes
/// them (the relay, the reference relay, kcat): a transactional producer's commit markers or a
/// compacted topic would also leave gaps and be reported as lost.
struct PositionGap: Sendable, Hashable, CustomStringConvertible {
    var partition: TopicPartition
    /// The stored next offset (or the one after the batch's previous message).
    var expected: Int64
    /// The offset of the message actually read.
    var found: Int64

    var lostEvents: Int64 { found - expected }

    var description: String { "\(partition) read offset \(found) after \(expected): \(lostEvents) events gone" }

    /// The audit rows, as one write of the batch's transaction.
    static func recording(_ gaps: [PositionGap]) -> PostgresStatement {
        """
        INSERT INTO stats_position_resets
            (topic, partition, kind, stored_offset, low_watermark, lost_events, reset_by)
        SELECT t, p, 'gap', e, f, f - e, 'read past a gap'
        FROM unnest(\(gaps.map(\.partition.topic)), \(gaps.map(\.partition.partition)), \(gaps.map(\.expected)), \(gaps.map(\.found)))
            AS u(t, p, e, f)
        """
    }
}
