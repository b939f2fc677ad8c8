import EDMKafka
import Logging

/// Where the consumer starts: positions read from PostgreSQL on assignment, and re-read after
/// `stats rebuild` bumps the epoch. Each stored position is checked against its partition's log
/// first (``StatsIngestor/resolve(_:stored:store:shared:settings:logger:)``).
extension StatsIngestor {
    /// The assign hook: the stored next offset per partition, the earliest offset for partitions
    /// never committed. If the database stays unreachable for `revokeWait`, every partition
    /// starts at the earliest offset: slower, never wrong, because the fence skips what was
    /// already counted once the database is back.
    static func startingOffsets(
        for partitions: [TopicPartition], store: IngestStore, shared: SharedState, settings: IngestSettings,
        logger: Logger
    ) async -> [TopicPartition: Int64] {
        let deadline = ContinuousClock.now + settings.revokeWait
        var backoff = settings.retryInitialBackoff
        while true {
            do {
                let positions = try await store.positions(for: partitions)
                shared.epoch.withLock { $0 = positions.epoch }
                let resolved = await resolve(
                    partitions, stored: positions.offsets, store: store, shared: shared, settings: settings, logger: logger)
                shared.positions.release(partitions)
                resolved.held.forEach(shared.positions.hold)
                logger.info(
                    "starting from stored offsets",
                    metadata: [
                        "epoch": "\(positions.epoch)",
                        "offsets": "\(partitions.sorted().map { "\($0)@\(positions.offsets[$0].map(String.init) ?? "earliest")" })",
                        "held": "\(resolved.held.map(\.partition))",
                    ])
                return resolved.starts
            } catch {
                guard ContinuousClock.now < deadline, !shared.stop.isStopped else {
                    logger.error(
                        "cannot read stored offsets; starting at the earliest offsets (already counted messages will be fenced)",
                        metadata: ["error": "\(error)"])
                    return Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaOffset.beginning) })
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, settings.retryMaximumBackoff)
            }
        }
    }

    /// The epoch to tag a batch with: the one its partitions' positions were read in.
    func epochForBatch() async -> Int64? {
        if let epoch = shared.epoch.withLock({ $0 }) { return epoch }
        // The assign hook could not reach the database and started at the earliest offsets,
        // which is correct in any epoch: adopt the current one.
        var backoff = settings.retryInitialBackoff
        while !shared.stop.isStopped {
            if let epoch = try? await store.currentEpoch() {
                shared.epoch.withLock { $0 = $0 ?? epoch }
                return shared.epoch.withLock { $0 }
            }
            await shared.stop.sleep(for: backoff)
            backoff = min(backoff * 2, settings.retryMaximumBackoff)
        }
        return nil
    }

    func checkEpochWhileIdle() async {
        guard let known = shared.epoch.withLock({ $0 }), let current = try? await store.currentEpoch(), current != known
        else { return }
        await adoptEpoch(current)
    }

    /// A rebuild happened: unless an assignment already adopted the new epoch, re-read the
    /// positions of every owned partition (now mostly absent: earliest) and seek there. With
    /// `current` nil, re-seek whatever the epoch (a batch collected across a reposition was dropped).
    func adoptEpoch(_ current: Int64?) async {
        guard current == nil || shared.epoch.withLock({ $0 }) != current else { return }
        var backoff = settings.retryInitialBackoff
        while !shared.stop.isStopped {
            do {
                let owned = consumer.assignment.sorted()
                let positions = try await store.positions(for: owned)
                let resolved = await Self.resolve(
                    owned, stored: positions.offsets, store: store, shared: shared, settings: settings, logger: logger)
                resolved.held.forEach(shared.positions.hold)
                if !owned.isEmpty {
                    try await consumer.seek(owned.map { TopicPartitionOffset($0, offset: resolved.starts[$0]!) })
                }
                shared.positions.release(Set(owned).subtracting(resolved.held.map(\.partition)))
                shared.epoch.withLock { $0 = positions.epoch }
                shared.repositioned()
                logger.info(
                    "replaying owned partitions from their stored offsets",
                    metadata: ["epoch": "\(positions.epoch)", "partitions": "\(owned.count)"])
                return
            } catch {
                logger.warning("could not re-seek after a rebuild; retrying", metadata: ["error": "\(error)"])
                await shared.stop.sleep(for: backoff)
                backoff = min(backoff * 2, settings.retryMaximumBackoff)
            }
        }
    }
}
