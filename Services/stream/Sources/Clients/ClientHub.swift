import Dispatch
import EDMKafka
import NIOCore
import Synchronization

/// The connected clients, the feed's position, and the recent-event ring, under one lock so a
/// client registers *between* two published batches: the positions it is handed are exactly
/// where its live delivery starts, which is what makes replay hand over without a gap.
///
/// Lock order: the hub's lock, then a session's. Writers take only their session's lock, so the
/// fan-out never waits for a socket.
final class ClientHub: Sendable {
    private struct State {
        var sessions: [UInt64: ClientSession] = [:]
        /// Next offset the feed will publish, per partition; nil until the feed has started.
        var positions: [TopicPartition: Int64]?
        var recent: RecentEvents
        /// A dense number per partition, so outboxes keep their per-partition marks in arrays
        /// (hashing a topic name per event per client showed in profiles).
        var slots: [TopicPartition: Int] = [:]
        var shuttingDown = false
        /// Uptime (ns) of the last published batch with events.
        var lastPublishAt: UInt64 = 0
        /// The distinct `where=` conditions of connected clients by canonical key, with how many
        /// clients have them: each is evaluated once per event for all of them.
        var conditions: [String: (filter: WhereFilter, members: Int)] = [:]
        /// The condition key of each client that has one.
        var conditionOf: [UInt64: String] = [:]
    }

    private let state: Mutex<State>
    private let reserved = Atomic<Int>(0)
    private let nextID = Atomic<UInt64>(1)
    let maxClients: Int
    private let metrics: StreamMetrics

    init(maxClients: Int, recentCapacity: Int, metrics: StreamMetrics) {
        self.maxClients = maxClients
        self.metrics = metrics
        state = Mutex(State(recent: RecentEvents(capacity: recentCapacity)))
    }

    func makeSessionID() -> UInt64 { nextID.add(1, ordering: .relaxed).oldValue }

    // MARK: Admission

    /// Takes one of `maxClients` places for an upgrade in progress; false when all are taken.
    func reserveSlot() -> Bool {
        while true {
            let current = reserved.load(ordering: .relaxed)
            guard current < maxClients else { return false }
            if reserved.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    func releaseSlot() {
        reserved.subtract(1, ordering: .relaxed)
    }

    var isFeedRunning: Bool { state.withLock { $0.positions != nil } }
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    // MARK: Feed side

    /// Called once the feed knows where it starts; clients can register from now on.
    func feedStarted(at positions: [TopicPartition: Int64], emptyPartitions: Set<TopicPartition>, startTime: Int64) {
        state.withLock { state in
            for (partition, offset) in positions.sorted(by: { $0.key < $1.key }) where state.positions?[partition] == nil {
                state.recent.track(
                    partition, from: offset, sinceTime: emptyPartitions.contains(partition) ? Int64.min : startTime)
                if state.slots[partition] == nil { state.slots[partition] = state.slots.count }
            }
            state.positions = (state.positions ?? [:]).merging(positions) { current, _ in current }
        }
    }

    /// Publishes one batch: advances positions (garbage included), remembers the events and
    /// offers them to every client, all before the next batch or registration can interleave.
    func publish(_ events: [StreamEvent], positions advanced: [TopicPartition: Int64]) {
        var dropped = 0
        var closing = 0
        var pumps: [ClientSession] = []
        let resets = state.withLock { state -> [PartitionReset] in
            let resets = Self.resets(in: events, advanced: advanced, known: state.positions ?? [:])
            for reset in resets {
                state.positions?[reset.partition] = reset.offset
                state.recent.reset(reset.partition, to: reset.offset)
                let slot = state.slots[reset.partition] ?? -1
                for session in state.sessions.values { session.partitionReset(reset.partition, slot: slot, to: reset.offset) }
            }
            for event in events { state.recent.append(event) }
            if var positions = state.positions {
                for (partition, next) in advanced {
                    positions[partition] = max(positions[partition] ?? next, next)
                }
                state.positions = positions
            }
            guard !events.isEmpty else { return resets }
            let slots = events.map { state.slots[$0.partition] ?? -1 }
            let frames = Self.concatenatedFrames(events, slots: slots, slotCount: state.slots.count)
            // Encoded once for everyone, and only when someone will get it.
            let checkpoint = state.sessions.isEmpty ? nil : state.positions.map { SharedCheckpoint(positions: $0) }
            let now = DispatchTime.now().uptimeNanoseconds
            state.lastPublishAt = now
            // Once per distinct condition, not per client (nothing to do without filters).
            var verdicts: [String: [Bool]] = [:]
            for (key, group) in state.conditions { verdicts[key] = events.map(group.filter.matches) }
            pumps.reserveCapacity(state.sessions.count)
            for (id, session) in state.sessions {
                let shared = verdicts.isEmpty ? nil : state.conditionOf[id].flatMap { verdicts[$0] }
                let (outcome, pump) = session.offer(
                    events, slots: slots, frames: frames, checkpoint: checkpoint, now: now, verdicts: shared)
                dropped += outcome.dropped
                if outcome.closing { closing += 1 }
                if pump { pumps.append(session) }
            }
            return resets
        }
        Self.schedulePumps(pumps)
        if dropped > 0 { metrics.dropped(dropped) }
        if closing > 0 { metrics.closed(.slow, count: closing) }
        for reset in resets { metrics.partitionReset(reset) }
    }

    /// Every event's frame back to back, once for all clients (see `ClientOutbox.offerWhole`);
    /// nil for a single event (its own frame serves) or when offsets do not increase within a
    /// partition (duplicates are then dropped event by event).
    static func concatenatedFrames(_ events: [StreamEvent], slots: [Int], slotCount: Int) -> ByteBuffer? {
        guard events.count > 1 else { return nil }
        var last = [Int64](repeating: .min, count: slotCount)
        var size = 0
        for (index, event) in events.enumerated() {
            let slot = slots[index]
            if slot >= 0, slot < slotCount {
                guard event.offset > last[slot] else { return nil }
                last[slot] = event.offset
            }
            size += event.frame.readableBytes
        }
        var frames = ByteBufferAllocator().buffer(capacity: size)
        for event in events { frames.writeImmutableBuffer(event.frame) }
        return frames
    }

    /// A partition whose offsets went backwards: the consumer was reset to the start of a new
    /// log (topic recreated, a new cluster). librdkafka never re-reads below its position
    /// otherwise, so any event below the known position means this.
    struct PartitionReset: Sendable, Equatable {
        let partition: TopicPartition
        /// The position the feed had.
        let previous: Int64
        /// Where the new log is read from.
        let offset: Int64
    }

    static func resets(
        in events: [StreamEvent], advanced: [TopicPartition: Int64], known: [TopicPartition: Int64]
    ) -> [PartitionReset] {
        var first: [TopicPartition: Int64] = [:]
        for event in events where first[event.partition] == nil { first[event.partition] = event.offset }
        return advanced.keys.sorted().compactMap { partition in
            guard let previous = known[partition] else { return nil }
            let lowest = min(first[partition] ?? .max, advanced[partition] ?? .max)
            guard lowest < previous else { return nil }
            return PartitionReset(partition: partition, previous: previous, offset: first[partition] ?? lowest)
        }
    }

    /// The feed's next offsets (nil before it started).
    var positions: [TopicPartition: Int64]? { state.withLock { $0.positions } }

    var recentCount: Int { state.withLock { $0.recent.count } }

    // MARK: Client side

    /// Registers a client. Without replay it is live at once (its first frame is `live`); with
    /// replay, `plan` runs under the same lock with the positions the client's live delivery
    /// starts from and the ring, so history read from there ends exactly where live begins.
    /// Returns nil (and does not register) when the feed has not started or shutdown began.
    func register<Plan>(
        _ session: ClientSession, replay: Bool, resumingFrom cursor: [TopicPartition: Int64]? = nil,
        plan: (_ ends: [TopicPartition: Int64], _ recent: RecentEvents) -> Plan
    ) -> (ends: [TopicPartition: Int64], plan: Plan)? {
        state.withLock { state -> (ends: [TopicPartition: Int64], plan: Plan)? in
            guard let positions = state.positions, !state.shuttingDown else { return nil }
            session.startLive(at: positions, slots: state.slots)
            if let cursor { session.resume(from: cursor, slots: state.slots) }
            if !replay { session.goLive(replayed: 0) }
            state.sessions[session.id] = session
            if let condition = session.filter.condition {
                state.conditions[condition.key, default: (condition, 0)].members += 1
                state.conditionOf[session.id] = condition.key
            }
            metrics.clients(state.sessions.count)
            return (positions, plan(positions, state.recent))
        }
    }

    /// Queues the checkpoints held back by the minimum interval that are now due, once events
    /// paused: while they flow, the next batch carries them in the same write (flushing them on
    /// their own woke every writer ten more times a second). Under the hub's lock, so a flushed
    /// checkpoint can never overtake a batch being offered.
    func flushCheckpoints(pausedFor pause: UInt64 = ClientOutbox.checkpointMinimumInterval) {
        let pumps = state.withLock { state -> [ClientSession] in
            let now = DispatchTime.now().uptimeNanoseconds
            guard now &- state.lastPublishAt >= pause else { return [] }
            return state.sessions.values.filter { $0.flushCheckpoint(now: now) }
        }
        Self.schedulePumps(pumps)
    }

    /// Runs the pumps of `sessions` on their event loops, one hop per loop for all of them (the
    /// order of frames is each outbox's; pumps only write what is queued).
    static func schedulePumps(_ sessions: [ClientSession]) {
        guard !sessions.isEmpty else { return }
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, sessions: [ClientSession])] = [:]
        for session in sessions {
            let loop = session.channel.eventLoop
            byLoop[ObjectIdentifier(loop), default: (loop, [])].sessions.append(session)
        }
        for (loop, sessions) in byLoop.values {
            loop.execute { for session in sessions { session.pump() } }
        }
    }

    func unregister(_ session: ClientSession) {
        state.withLock { state in
            state.sessions[session.id] = nil
            if let key = state.conditionOf.removeValue(forKey: session.id), let group = state.conditions[key] {
                state.conditions[key] = group.members > 1 ? (group.filter, group.members - 1) : nil
            }
            metrics.clients(state.sessions.count)
        }
    }

    /// Tries to end a replay. If the client's live lane overflowed meanwhile, the lane restarts
    /// at the current positions and those are returned: the replay must read up to them first.
    func handOver(_ session: ClientSession, replayed: Int) -> [TopicPartition: Int64]? {
        state.withLock { state in
            if session.missedWhileReplaying > 0, let positions = state.positions {
                _ = session.restartLive(at: positions, slots: state.slots)
                return positions
            }
            session.goLive(replayed: replayed)
            return nil
        }
    }

    /// Events the ring holds for `ranges`, or nil when it might miss some.
    func recentEvents(in ranges: [TopicPartition: Range<Int64>]) -> [StreamEvent]? {
        state.withLock { state in
            state.recent.covers(ranges) ? state.recent.events(in: ranges) : nil
        }
    }

    var sessions: [ClientSession] { state.withLock { Array($0.sessions.values) } }

    /// Distinct `where=` conditions among connected clients (each evaluated once per event).
    var conditionGroups: Int { state.withLock { $0.conditions.count } }

    /// Refuses new clients from now on and returns the connected ones.
    func beginShutdown() -> [ClientSession] {
        state.withLock { state in
            state.shuttingDown = true
            return Array(state.sessions.values)
        }
    }
}
