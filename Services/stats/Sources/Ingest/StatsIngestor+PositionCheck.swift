import EDMKafka
import Logging

/// Stored positions checked against the partitions' logs, so that a log that went away (a new
/// cluster, a recreated topic) or lost its start to retention is never fenced or skipped in
/// silence: each conflict is logged as an error and then reset (recorded with the events it
/// cost) or held, as `STATS_ON_POSITION_RESET` says.
extension StatsIngestor {
    struct ResolvedPositions: Sendable {
        /// Where each partition starts: the stored offset, the earliest (none stored), the log's
        /// start after a reset, or the log's end for a held partition (nothing held is counted).
        var starts: [TopicPartition: Int64] = [:]
        var held: [PositionConflict] = []
    }

    static func resolve(
        _ partitions: [TopicPartition], stored: [TopicPartition: Int64], store: IngestStore, shared: SharedState,
        settings: IngestSettings, logger: Logger
    ) async -> ResolvedPositions {
        var resolved = ResolvedPositions()
        let policy = settings.positionResetPolicy
        // One deadline for the whole assignment: the hook holds up the rebalance.
        let deadline = ContinuousClock.now + settings.revokeWait
        var brokerAnswers = true
        for partition in partitions {
            guard let offset = stored[partition] else {
                resolved.starts[partition] = KafkaOffset.beginning
                continue
            }
            let marks = brokerAnswers
                ? await watermarks(of: partition, until: deadline, shared: shared, settings: settings, logger: logger) : nil
            brokerAnswers = brokerAnswers && marks != nil
            guard let marks, let conflict = PositionConflict.check(partition, stored: offset, low: marks.low, high: marks.high)
            else {
                resolved.starts[partition] = offset
                continue
            }
            let metadata: Logger.Metadata = [
                "topic": "\(partition.topic)", "partition": "\(partition.partition)", "stored_offset": "\(offset)",
                "low_watermark": "\(marks.low)", "high_watermark": "\(marks.high)", "kind": "\(conflict.kind.rawValue)",
                "lost_events": "\(conflict.lostEvents)", "policy": "\(policy.rawValue)",
            ]
            if policy.resets(conflict.kind) {
                do {
                    if try await store.resetPosition(conflict, by: "STATS_ON_POSITION_RESET=\(policy.rawValue)") {
                        logger.error("stored position outside the partition's log; moved it to the log's start and recorded it", metadata: metadata)
                        shared.positions.recordReset(conflict)
                        resolved.starts[partition] = conflict.low
                        continue
                    }
                } catch {
                    logger.warning("could not record a position reset; holding the partition", metadata: ["error": "\(error)"])
                }
            } else if !shared.positions.conflicts.contains(where: {
                $0.partition == partition && $0.stored == offset && $0.kind == conflict.kind
            }) {
                logger.error(
                    "stored position outside the partition's log; holding the partition until `stats reset-positions`",
                    metadata: metadata)
            }
            resolved.held.append(conflict)
            resolved.starts[partition] = marks.high
        }
        return resolved
    }

    /// The partition's watermarks, retried until `deadline`; nil when the broker does not answer
    /// (this and the assignment's remaining stored offsets are then used unchecked, and a warning
    /// says so).
    private static func watermarks(
        of partition: TopicPartition, until deadline: ContinuousClock.Instant, shared: SharedState,
        settings: IngestSettings, logger: Logger
    ) async -> (low: Int64, high: Int64)? {
        var backoff = settings.retryInitialBackoff
        while !shared.stop.isStopped {
            // The hook can run before the initialiser stored the consumer (a fast first join).
            if let consumer = shared.consumer.withLock({ $0 }) {
                do {
                    return try await consumer.watermarks(partition)
                } catch where ContinuousClock.now < deadline {
                    logger.debug("watermarks not available yet; retrying", metadata: ["partition": "\(partition)", "error": "\(error)"])
                } catch {
                    logger.warning(
                        "cannot read the partition's watermarks; using the stored offset unchecked",
                        metadata: ["partition": "\(partition)", "error": "\(error)"])
                    return nil
                }
            } else if ContinuousClock.now >= deadline {
                return nil
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, settings.retryMaximumBackoff)
        }
        return nil
    }

    /// Re-reads the stored positions of held partitions (at most every `idleCheckInterval`): a
    /// partition whose position `stats reset-positions` moved into its log is sought there and
    /// counted again. Returns true when the epoch changed meanwhile (a rebuild): the caller then
    /// adopts it once no commit is in flight, re-reading every owned partition.
    func recheckHeldPositions() async -> Bool {
        guard shared.positions.isHoldingAny else { return false }
        let now = ContinuousClock.now
        guard shared.nextPositionRecheck.withLock({ next in
            guard now >= next else { return false }
            next = now + settings.idleCheckInterval
            return true
        }) else { return false }
        let owned = consumer.assignment
        let held = shared.positions.conflicts.map(\.partition)
        shared.positions.release(held.filter { !owned.contains($0) })
        let partitions = held.filter(owned.contains)
        guard !partitions.isEmpty, let positions = try? await store.positions(for: partitions) else { return false }
        guard positions.epoch == shared.epoch.withLock({ $0 }) else { return true }
        let resolved = await Self.resolve(
            partitions, stored: positions.offsets, store: store, shared: shared, settings: settings, logger: logger)
        resolved.held.forEach(shared.positions.hold)
        let released = partitions.filter { partition in !resolved.held.contains { $0.partition == partition } }
        guard !released.isEmpty else { return false }
        do {
            try await consumer.seek(released.map { TopicPartitionOffset($0, offset: resolved.starts[$0]!) })
            shared.positions.release(released)
            logger.notice(
                "stored positions are inside their logs again; counting the held partitions",
                metadata: ["partitions": "\(released.map { "\($0)@\(resolved.starts[$0]!)" })"])
        } catch {
            logger.warning("could not seek the released partitions; they stay held", metadata: ["error": "\(error)"])
        }
        return false
    }
}
