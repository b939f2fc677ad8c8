import EDMEvents
import EDMKafka
import EDMPostgres
import Foundation

/// What one committed batch changed, for metrics and logs.
struct BatchOutcome: Sendable, Equatable {
    /// Newly counted events by type.
    var counted: [String: Int] = [:]
    /// Events whose id was already seen (client retries).
    var duplicates = 0
    /// Messages below their partition's stored next offset: already applied by this or another
    /// member (redelivery after a crash, a zombie's late batch, a revoked partition's leftovers).
    var fenced = 0
    var skipped: [SkipReason: Int] = [:]
    /// The next offset per partition after this batch.
    var nextOffsets: [TopicPartition: Int64] = [:]
    /// Offsets the log no longer held when they were read (recorded as lost, see ``PositionGap``).
    var gaps: [PositionGap] = []

    var countedTotal: Int { counted.values.reduce(0, +) }
}

enum IngestStoreError: Error, Equatable {
    /// `stats rebuild` ran since the batch's positions were read: drop it and re-seek.
    case epochChanged(current: Int64)
}

/// The positions a consumer starts from, read in one snapshot with the epoch they belong to.
struct StoredPositions: Sendable, Equatable {
    var epoch: Int64
    var offsets: [TopicPartition: Int64]
}

/// The write side: applies a batch of decoded messages exactly once.
///
/// One transaction per batch, two round trips (pipelined): with BEGIN, read the epoch, lock the
/// batch's partition rows (`FOR UPDATE`) and record the event ids that may repeat (skipped when
/// the batch holds only relay-assigned ids, see ``CountableEvent/mayRepeat``); then, here, drop
/// messages below each stored next offset (the fence) and those whose id was seen before (the
/// dedupe window); with COMMIT, add the rest to every aggregate (one multi-row upsert per table)
/// and move the offsets in a single combined statement. Every column of a batch travels as one
/// binary array parameter. (Each round trip wakes both processes; on shared cores the four
/// statements and BEGIN and COMMIT sent one by one cost about a fifth of a batch's commit.)
/// Aggregates and positions therefore never disagree, whoever commits (a restarted process, a
/// zombie, two members during a rebalance).
struct IngestStore: Sendable {
    let pool: PostgresPool

    func commit(_ messages: [DecodedMessage], epoch: Int64) async throws -> BatchOutcome {
        try await commit(PreparedBatch(messages), epoch: epoch)
    }

    func commit(_ batch: PreparedBatch, epoch: Int64) async throws -> BatchOutcome {
        let messages = batch.messages
        let partitions = Set(messages.map(\.partition)).sorted()
        let topics = partitions.map(\.topic)
        let numbers = partitions.map(\.partition)
        var opening: [PostgresStatement] = [
            // 1: create missing offset rows, and read the epoch (held FOR SHARE, so a rebuild
            // waits for this transaction, and this one for a rebuild in progress).
            """
            WITH created AS (
                INSERT INTO stats_partition_offsets (topic, partition, next_offset)
                SELECT t, p, 0 FROM unnest(\(topics), \(numbers)) AS u(t, p)
                ON CONFLICT DO NOTHING)
            SELECT epoch FROM stats_state WHERE id = 1 FOR SHARE
            """,
            // 2: lock the batch's offset rows in key order and read them. (A separate statement:
            // a statement's snapshot would not see rows another member created just now.)
            """
            SELECT topic, partition, next_offset FROM stats_partition_offsets
            WHERE (topic, partition) IN (SELECT t, p FROM unnest(\(topics), \(numbers)) AS u(t, p))
            ORDER BY topic, partition
            FOR UPDATE
            """,
        ]
        // 3 (only for ids that may repeat): remember them; those seen before do not count.
        // Every id of the batch, before the fence is known: an id of a fenced message was
        // recorded by the commit that applied it, so recording it again changes nothing and
        // reports it as seen, which only matters for an accepted message with the same id (a
        // retry, rightly a duplicate). Nothing here commits unless the checks below pass.
        if !batch.eventIDs.isEmpty {
            opening.append("SELECT id FROM stats_record_seen_events(\(batch.eventIDs)) AS seen(id)")
        }
        // Two round trips: BEGIN with the statements above, COMMIT with the writes.
        return try await pool.pipelinedTransaction(opening: opening) { results, _ in
            try Self.closing(batch, epoch: epoch, results: results)
        }
    }

    /// Checks the epoch, fences the batch by the stored offsets and builds the writes that go
    /// with COMMIT: every aggregate, the skipped messages, the lost events and the offsets, as
    /// one statement.
    private static func closing(
        _ batch: PreparedBatch, epoch: Int64, results: [PostgresRows]
    ) throws -> (closing: [PostgresStatement], value: BatchOutcome) {
        let current = try results[0][0].decode(Int64.self, at: 0)
        guard current == epoch else { throw IngestStoreError.epochChanged(current: current) }
        var stored: [TopicPartition: Int64] = [:]
        for row in results[1] {
            let partition = TopicPartition(topic: try row.decode(String.self, at: 0), partition: try row.decode(Int32.self, at: 1))
            stored[partition] = try row.decode(Int64.self, at: 2)
        }
        let seenBefore = results.count > 2 ? Set(try results[2].map { try $0.decode(UUID.self, at: 0) }) : []

        var next = stored
        var accepted: [DecodedMessage] = []
        accepted.reserveCapacity(batch.messages.count)
        var fenced = 0
        var gaps: [PositionGap] = []
        // Progressive: a batch collected across a re-seek may hold a partition's offsets twice.
        for message in batch.messages {
            let expected = next[message.partition] ?? 0
            guard message.offset >= expected else {
                fenced += 1
                continue
            }
            if message.offset > expected {
                gaps.append(PositionGap(partition: message.partition, expected: expected, found: message.offset))
            }
            accepted.append(message)
            next[message.partition] = message.offset + 1
        }

        var (writes, outcome) =
            fenced == 0 && seenBefore.isEmpty
            ? (batch.writes, batch.outcome)  // what the batch was prepared for: nearly always
            : PreparedBatch.writes(for: accepted, isNew: { !seenBefore.contains($0) })
        outcome.fenced = fenced
        outcome.gaps = gaps
        if !gaps.isEmpty { writes.append(PositionGap.recording(gaps)) }
        let moved = next.filter { stored[$0.key] != $0.value }.sorted { $0.key < $1.key }
        if !moved.isEmpty {
            writes.append(
                """
                UPDATE stats_partition_offsets AS o SET next_offset = u.n, updated_at = now()
                FROM unnest(\(moved.map(\.key.topic)), \(moved.map(\.key.partition)), \(moved.map(\.value))) AS u(t, p, n)
                WHERE o.topic = u.t AND o.partition = u.p
                """)
        }
        outcome.nextOffsets = next
        return (writes.isEmpty ? [] : [PostgresStatement.combiningWrites(writes)], outcome)
    }

    // MARK: Positions

    /// The stored next offsets of `partitions` (absent: never committed) and the current epoch.
    func positions(for partitions: [TopicPartition]) async throws -> StoredPositions {
        try await pool.transaction(isolationLevel: .repeatableRead) { transaction in
            let epoch = try await transaction.query("SELECT epoch FROM stats_state WHERE id = 1")[0].decode(Int64.self, at: 0)
            guard !partitions.isEmpty else { return StoredPositions(epoch: epoch, offsets: [:]) }
            let rows = try await transaction.query(
                """
                SELECT topic, partition, next_offset FROM stats_partition_offsets
                WHERE (topic, partition) IN (SELECT t, p FROM unnest($1, $2) AS u(t, p))
                """,
                [partitions.map(\.topic), partitions.map(\.partition)], resultFormat: .binary)
            var offsets: [TopicPartition: Int64] = [:]
            for row in rows {
                let partition = TopicPartition(topic: try row.decode(String.self, at: 0), partition: try row.decode(Int32.self, at: 1))
                offsets[partition] = try row.decode(Int64.self, at: 2)
            }
            return StoredPositions(epoch: epoch, offsets: offsets)
        }
    }

    func currentEpoch() async throws -> Int64 {
        try await pool.query("SELECT epoch FROM stats_state WHERE id = 1")[0].decode(Int64.self, at: 0)
    }

    // MARK: Maintenance

    /// Deletes remembered ids older than `retention`, a slice at a time so no statement holds
    /// locks for long. Returns how many rows went.
    func pruneSeenEvents(olderThan retention: Duration, slice: Int = 10_000) async throws -> Int {
        var total = 0
        while true {
            let deleted = try await pool.execute(
                """
                DELETE FROM stats_seen_events WHERE event_id IN (
                    SELECT event_id FROM stats_seen_events
                    WHERE seen_at < now() - make_interval(secs => $1) LIMIT $2)
                """, [Double(retention.components.seconds), slice])
            total += deleted
            if deleted < slice { return total }
        }
    }

    /// Empties every derived table and bumps the epoch, in one transaction: running consumers
    /// notice the new epoch at their next batch (or idle check) and replay from the earliest
    /// offset. Returns the new epoch.
    ///
    /// Locks are taken in the order a batch commit takes them, so the two cannot deadlock: the
    /// tables first (`stats_partition_offsets` leads, as in a commit's first statement),
    /// waiting for committing batches to finish and holding new ones at their first statement,
    /// then the epoch row. (Taking the epoch row first could let a commit that had just locked
    /// the offsets table in its first statement wait for the row while the TRUNCATE waited for
    /// the table: PostgreSQL would then abort one of them, possibly the rebuild.)
    func wipeForRebuild() async throws -> Int64 {
        try await pool.transaction { transaction in
            let offsets = "stats_partition_offsets"
            let tables = [offsets] + StatsMigrations.derivedTables.filter { $0 != offsets }
            try await transaction.execute("LOCK TABLE " + tables.joined(separator: ", ") + " IN ACCESS EXCLUSIVE MODE")
            let epoch = try await transaction.query(
                "UPDATE stats_state SET epoch = epoch + 1, rebuilt_at = now() WHERE id = 1 RETURNING epoch")[0]
                .decode(Int64.self, at: 0)
            try await transaction.execute("TRUNCATE " + StatsMigrations.derivedTables.joined(separator: ", "))
            return epoch
        }
    }
}
