import EDMKafka
import EDMPostgres

/// Committing batches: retried while the database is unavailable, split when it rejects data.
extension StatsIngestor {
    enum CommitResult {
        case committed
        case epochChanged(Int64)
        case rejected(PostgresError)
        case abandoned
    }

    /// Commits `batch`; when PostgreSQL rejects it for its data, splits it to find the one
    /// message at fault and skips only that one. Returns false when the rest of the caller's
    /// batch must not be committed (epoch changed, or shutdown gave up).
    func apply(_ batch: PreparedBatch, epoch: Int64) async -> Bool {
        switch await commitRetrying(batch, epoch: epoch) {
        case .committed:
            return true
        case .abandoned:
            return false
        case .epochChanged(let current):
            await adoptEpoch(current)
            return false
        case .rejected(let error):
            if batch.count == 1 {
                let message = batch.messages[0]
                logger.error(
                    "PostgreSQL rejected a message's data; skipping it",
                    metadata: [
                        "partition": "\(message.partition)", "offset": "\(message.offset)", "error": "\(error)",
                    ])
                return await apply(PreparedBatch([message.replacingItem(.skipped(.storageRejected))]), epoch: epoch)
            }
            let middle = batch.count / 2
            guard await apply(batch.prefix(middle), epoch: epoch) else { return false }
            return await apply(batch.dropFirst(middle), epoch: epoch)
        }
    }

    private func commitRetrying(_ batch: PreparedBatch, epoch: Int64) async -> CommitResult {
        var backoff = settings.retryInitialBackoff
        var failures = 0
        while true {
            let started = ContinuousClock.now
            do {
                let outcome = try await store.commit(batch, epoch: epoch)
                shared.metrics.recordCommit(outcome, messages: batch.count, duration: .now - started)
                shared.committedMessages.add(batch.count, ordering: .relaxed)
                if failures > 0 {
                    logger.info("batch committed after the database came back; ingest resumed", metadata: ["attempts": "\(failures + 1)"])
                    setPaused(false)
                }
                for gap in outcome.gaps {
                    logger.error(
                        "the log no longer held events after the stored position; recorded them as lost",
                        metadata: [
                            "topic": "\(gap.partition.topic)", "partition": "\(gap.partition.partition)",
                            "stored_offset": "\(gap.expected)", "read_offset": "\(gap.found)", "kind": "gap",
                            "lost_events": "\(gap.lostEvents)",
                        ])
                }
                informKafka(outcome.nextOffsets)
                return .committed
            } catch let error as IngestStoreError {
                switch error {
                case .epochChanged(let current): return .epochChanged(current)
                }
            } catch let error as PostgresError where error.isDataError
                && !(batch.count == 1 && Self.isStorageRejectedSkip(batch.messages[0]))
            {
                return .rejected(error)
            } catch {
                failures += 1
                shared.metrics.recordFailedCommit()
                setPaused(true)
                if failures == 1 || failures.isMultiple(of: 20) {
                    logger.warning(
                        "batch commit failed; retrying the same batch (offsets move only with it)",
                        metadata: ["error": "\(error)", "attempt": "\(failures)", "messages": "\(batch.count)"])
                }
                if let stoppedAt = shared.stop.stoppedAt, ContinuousClock.now - stoppedAt >= settings.shutdownGrace {
                    logger.warning("shutting down with an uncommitted batch; it will be read again on the next start")
                    return .abandoned
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, settings.retryMaximumBackoff)
            }
        }
    }

    private static func isStorageRejectedSkip(_ message: DecodedMessage) -> Bool {
        if case .skipped(.storageRejected) = message.item { return true }
        return false
    }

    func setPaused(_ paused: Bool) {
        shared.paused.store(paused, ordering: .relaxed)
        shared.metrics.setPaused(paused)
    }

    /// Mirrors the committed positions into Kafka's group offsets, only so Kafka tooling
    /// (`heroku kafka:consumer-groups`) shows progress. Never read back.
    private func informKafka(_ offsets: [TopicPartition: Int64]) {
        let owned = consumer.assignment
        let positions = offsets.filter { owned.contains($0.key) }.map { TopicPartitionOffset($0.key, offset: $0.value) }
        guard !positions.isEmpty else { return }
        try? consumer.storeOffsets(positions)
    }
}
