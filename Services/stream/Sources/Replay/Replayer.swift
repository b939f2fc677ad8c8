import EDMCore
import EDMEvents
import EDMKafka
import Logging

/// Sends a client its history and hands it over to live delivery with no gap and no duplicate.
///
/// 1. Registration (under the hub's lock) fixes `ends`, the next offset per partition the live
///    lane starts from; history is exactly `start..<end` per partition.
/// 2. History comes from the in-memory ring when it provably holds the whole range, otherwise
///    from Kafka (start offsets from watermarks or offsets-for-times, then a short-lived
///    direct-assignment consumer).
/// 3. Hand-over: if the live lane overflowed while history was being written, the lane restarts
///    at the feed's current positions and the replay reads up to those too; repeated until the
///    lane kept up. Per-partition marks in the outbox drop anything already delivered.
struct Replayer: Sendable {
    let hub: ClientHub
    let metadata: KafkaConsumer
    let reader: KafkaRangeReader
    let limiter: AsyncLimiter
    let timeout: Duration
    let metrics: StreamMetrics
    let logger: Logger

    /// What registration decided: history from memory, or Kafka must be asked.
    enum Plan: Sendable {
        case memory([StreamEvent])
        case kafka
    }

    /// Registers `session` and runs its replay. Returns false if the client could not be
    /// registered (feed not started, shutting down).
    func run(_ session: ClientSession, request: ReplayRequest?) async -> Bool {
        guard let request else {
            return hub.register(session, replay: false) { _, _ in Plan.kafka } != nil
        }
        let filter = session.filter
        var resumeFrom: [TopicPartition: Int64]?
        if case .resume(let cursor) = request { resumeFrom = cursor.partitionPositions }
        guard let (ends, plan) = hub.register(session, replay: true, resumingFrom: resumeFrom, plan: { ends, recent in
            Self.memoryPlan(request, filter: filter, ends: ends, recent: recent)
        }) else { return false }
        let deadline = ContinuousClock.now + timeout
        do {
            // The deadline holds even while the client reads slowly: waiting for its queue to
            // drain is cancelled with everything else, so no replay slot is held past it.
            try await Self.within(deadline) { [self] in
                try await replay(session, request: request, ends: ends, plan: plan, filter: filter, deadline: deadline)
            }
        } catch is CancellationError {
        } catch {
            logger.warning("replay failed", metadata: ["client": "\(session.id)", "error": "\(error)"])
            metrics.closed(.replayFailed)
            session.sendControl(.error(code: "replay_failed", message: "history could not be read: \(error)"))
            // A client too slow to take its history in time is not waited for any longer.
            let timedOut = (error as? ReplayError) == .timedOut
            session.requestClose(code: 1013, reason: "replay failed; reconnect later", discardPending: timedOut)
        }
        return true
    }

    private func replay(
        _ session: ClientSession, request: ReplayRequest, ends: [TopicPartition: Int64], plan: Plan,
        filter: StreamFilter, deadline: ContinuousClock.Instant
    ) async throws {
        var replayed: Int
        switch plan {
        case .memory(let events):
            replayed = await session.pushHistory(events)
            metrics.replayed(source: .memory, events: replayed)
        case .kafka:
            replayed = try await replayFromKafka(session, request: request, ends: ends, filter: filter, deadline: deadline)
        }
        try Task.checkCancellation()
        var checkpointBase: [TopicPartition: Int64]?
        if case .resume(let cursor) = request {
            checkpointBase = Self.resumeRanges(cursor, ends: ends).mapValues(\.lowerBound)
        }
        var readUpTo = ends
        while let positions = hub.handOver(session, replayed: replayed) {
            guard ContinuousClock.now < deadline else { throw ReplayError.timedOut }
            // A partition that appeared meanwhile is read from its beginning.
            let ranges = Self.ranges(from: positions.mapValues { _ in 0 }.merging(readUpTo) { _, read in read }, to: positions)
            logger.debug("replay catching up", metadata: ["client": "\(session.id)"])
            metrics.replayCaughtUp()
            replayed += try await history(ranges, for: session, deadline: deadline, checkpointBase: checkpointBase)
            try Task.checkCancellation()
            readUpTo = positions
        }
    }

    /// Runs `work`, cancelling it and throwing ``ReplayError/timedOut`` when `deadline` comes first.
    static func within(_ deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await work()
                return true
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else { throw ReplayError.timedOut }
        }
    }

    /// History for `ranges` from memory when covered, else from Kafka; returns events queued.
    /// With `checkpointBase` (resumed replays), a checkpoint follows each batch read from Kafka,
    /// so a client cut off during a long replay resumes from inside it.
    private func history(
        _ ranges: [TopicPartition: Range<Int64>], for session: ClientSession, deadline: ContinuousClock.Instant,
        checkpointBase: [TopicPartition: Int64]? = nil
    ) async throws -> Int {
        if let events = hub.recentEvents(in: ranges) {
            let queued = await session.pushHistory(events)
            metrics.replayed(source: .memory, events: queued)
            return queued
        }
        let queued = try await limiter.withPlace {
            var queued = 0
            try await reader.read(ranges, deadline: deadline) { events in
                queued += await session.pushHistory(events)
                if let checkpointBase { session.historyCheckpoint(base: checkpointBase) }
            }
            return queued
        }
        metrics.replayed(source: .kafka, events: queued)
        return queued
    }

    private func replayFromKafka(
        _ session: ClientSession, request: ReplayRequest, ends: [TopicPartition: Int64], filter: StreamFilter,
        deadline: ContinuousClock.Instant
    ) async throws -> Int {
        switch request {
        case .resume(let cursor):
            var ranges = Self.resumeRanges(cursor, ends: ends)
            var gaps: [ResumeGap] = []
            for (partition, range) in ranges.sorted(by: { $0.key < $1.key }) where !range.isEmpty {
                let low = try await metadata.watermarks(partition).low
                guard low > range.lowerBound else { continue }
                gaps.append(ResumeGap(partition: partition, from: range.lowerBound, to: low))
                ranges[partition] = min(low, range.upperBound)..<range.upperBound
            }
            if !gaps.isEmpty {
                let missed = gaps.reduce(Int64(0)) { $0.saturatingAdding($1.missed) }
                logger.info("resume cursor older than retention", metadata: ["client": "\(session.id)", "missed": "\(missed)"])
                metrics.resumeGap(records: missed)
                session.sendControl(.gap(gaps))
            }
            return try await history(ranges, for: session, deadline: deadline, checkpointBase: ranges.mapValues(\.lowerBound))
        case .since(let time):
            let found = try await metadata.offsets(forTimestamps: ends.mapValues { _ in time })
            let ranges = ends.reduce(into: [TopicPartition: Range<Int64>]()) { ranges, entry in
                let start = found[entry.key].flatMap { $0 >= 0 ? min($0, entry.value) : nil } ?? entry.value
                ranges[entry.key] = start..<entry.value
            }
            return try await history(ranges, for: session, deadline: deadline)
        case .last(let count):
            var ranges: [TopicPartition: Range<Int64>] = [:]
            for (partition, end) in ends {
                let low = try await metadata.watermarks(partition).low
                ranges[partition] = max(low, end - Int64(count), 0)..<end
            }
            let lookBack = ranges
            if let events = hub.recentEvents(in: lookBack) {
                let queued = await session.pushHistory(Self.mostRecent(count, of: events, matching: filter))
                metrics.replayed(source: .memory, events: queued)
                return queued
            }
            let collected = try await limiter.withPlace {
                // Keeps only the `count` latest matching events while reading (plus one batch),
                // not `count` per partition.
                var collected: [StreamEvent] = []
                try await reader.read(lookBack, deadline: deadline) { events in
                    collected = Self.mostRecent(count, of: collected + events, matching: filter)
                }
                return collected
            }
            let queued = await session.pushHistory(collected)
            metrics.replayed(source: .kafka, events: queued)
            return queued
        }
    }

    /// Runs under the hub's lock: history from the ring when it holds the whole range.
    static func memoryPlan(
        _ request: ReplayRequest, filter: StreamFilter, ends: [TopicPartition: Int64], recent: RecentEvents
    ) -> Plan {
        switch request {
        case .resume(let cursor):
            let ranges = resumeRanges(cursor, ends: ends)
            guard recent.covers(ranges) else { return .kafka }
            return .memory(recent.events(in: ranges))
        case .last(let count):
            let ranges = ends.mapValues { end in max(0, end - Int64(count))..<end }
            guard recent.covers(ranges) else { return .kafka }
            return .memory(mostRecent(count, of: recent.events(in: ranges), matching: filter))
        case .since(let time):
            guard let starts = recent.startOffsets(since: time, ending: ends) else { return .kafka }
            return .memory(recent.events(in: ranges(from: starts, to: ends)))
        }
    }

    /// The `count` latest matching events (by Kafka timestamp, then arrival), kept in arrival
    /// order so every partition stays in offset order.
    static func mostRecent(_ count: Int, of events: [StreamEvent], matching filter: StreamFilter) -> [StreamEvent] {
        let matching = events.enumerated().filter { filter.matches($0.element) }
        guard matching.count > count else { return matching.map(\.element) }
        let chosen = matching.sorted { ($0.element.timestamp, $0.offset) > ($1.element.timestamp, $1.offset) }
            .prefix(count).map(\.offset)
        return chosen.sorted().map { events[$0] }
    }

    /// Per partition the feed reads: from the cursor's position (or the partition's start when
    /// the cursor does not name it) up to where live delivery starts; empty when the cursor is
    /// already there or beyond.
    static func resumeRanges(_ cursor: StreamCursor, ends: [TopicPartition: Int64]) -> [TopicPartition: Range<Int64>] {
        ends.reduce(into: [:]) { ranges, entry in
            let start = max(0, cursor.nextOffset(topic: entry.key.topic, partition: entry.key.partition) ?? 0)
            ranges[entry.key] = min(start, entry.value)..<entry.value
        }
    }

    static func ranges(
        from starts: [TopicPartition: Int64], to ends: [TopicPartition: Int64]
    ) -> [TopicPartition: Range<Int64>] {
        ends.reduce(into: [:]) { ranges, entry in
            let start = min(starts[entry.key] ?? entry.value, entry.value)
            ranges[entry.key] = start..<entry.value
        }
    }
}
