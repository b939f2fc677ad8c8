import EDMKafka
import EDMPostgres

/// Moving stored positions that lie outside their partition's log, always together with the
/// audit row that says so (and how many events that cost), in one statement.
extension IngestStore {
    /// Moves `conflict.partition`'s stored next offset to the log's start, provided it still is
    /// `conflict.stored` (a member that committed meanwhile, or a rebuild, wins: nothing happens
    /// and false is returned), and records the reset in the same statement.
    func resetPosition(_ conflict: PositionConflict, by resetBy: String) async throws -> Bool {
        let statement: PostgresStatement = """
            WITH moved AS (
                UPDATE stats_partition_offsets SET next_offset = \(conflict.low), updated_at = now()
                WHERE topic = \(conflict.partition.topic) AND partition = \(conflict.partition.partition)
                    AND next_offset = \(conflict.stored)
                RETURNING topic, partition)
            INSERT INTO stats_position_resets
                (topic, partition, kind, stored_offset, low_watermark, high_watermark, lost_events, reset_by)
            SELECT topic, partition, \(conflict.kind.rawValue), \(conflict.stored), \(conflict.low), \(conflict.high),
                \(conflict.lostEvents), \(resetBy)
            FROM moved
            """
        return try await pool.execute(statement) == 1
    }

    /// Every stored position (for `stats reset-positions`).
    func allStoredPositions() async throws -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for row in try await pool.query(
            "SELECT topic, partition, next_offset FROM stats_partition_offsets", [], resultFormat: .binary)
        {
            let partition = TopicPartition(topic: try row.decode(String.self, at: 0), partition: try row.decode(Int32.self, at: 1))
            offsets[partition] = try row.decode(Int64.self, at: 2)
        }
        return offsets
    }

    /// Events lost to retention (and to logs replaced before their start) over every recorded
    /// reset, for `/metrics`.
    func lostToRetentionTotal() async throws -> Int64 {
        try await pool.query("SELECT coalesce(sum(lost_events), 0)::bigint FROM stats_position_resets")[0]
            .decode(Int64.self, at: 0)
    }
}
