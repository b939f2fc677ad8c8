import DequeModule
import EDMCore
import EDMEvents
import EDMKafka
import Hummingbird

/// A frame a client's writer task sends.
enum OutboundFrame: Sendable {
    /// A complete WebSocket frame (`StreamEvent.frame`).
    case event(ByteBuffer)
    /// A whole batch's event frames back to back, built once per batch for every client that
    /// takes all of it: one buffer to queue, retain and write instead of one per event.
    case events(ByteBuffer, count: Int)
    /// The JSON of a control frame (encoded by the writer).
    case control(ByteBuffer)
    /// A complete WebSocket frame that is not an event (a checkpoint shared by every client).
    case encoded(ByteBuffer)
    case close(code: UInt16, reason: String)
}

/// What one client still has to receive, and the bookkeeping that makes replay hand over to
/// live without a gap or a duplicate. Not thread-safe: `ClientSession` owns it under a lock.
///
/// Two lanes: *history* (replayed events, filled by the replay task with back-pressure, never
/// dropped) and *live* (filled by the fan-out, bounded by `capacity`). The writer empties history
/// first and reads live only once the replay has handed over. Per partition, `liveNext` (an
/// array by the hub's partition slot: this is the hot path) is the next offset the live lane
/// accepts and `historyNext` the next the history lane accepts; an event below either mark is a
/// duplicate and is dropped, and history stops below `liveStart`, where the live lane began. So
/// every offset reaches the client at most once and, unless reported as dropped, exactly once.
struct ClientOutbox: Sendable {
    enum Phase: Equatable {
        case replaying
        case live
    }

    private enum LiveEntry: Sendable {
        case frame(OutboundFrame)
        /// Events left out at this point because the lane was full.
        case dropped(Int)
        /// A checkpoint frame; a newer one replaces it while nothing follows it.
        case checkpoint(ByteBuffer)
    }

    /// The fan-out's verdict on one batch for this client.
    struct OfferOutcome: Equatable {
        var accepted = 0
        var dropped = 0
        /// The overflow policy is `close` and the lane overflowed: the client is being closed.
        var closing = false
    }

    static let slowConsumerCloseCode: UInt16 = 4000
    /// Control frames (acknowledgements, errors) a non-reading client may accumulate beyond
    /// `capacity` before it is closed for not reading.
    static let controlAllowance = 64

    let capacity: Int
    let policy: OverflowPolicy
    var filter: StreamFilter
    private(set) var phase: Phase = .replaying
    private var history = Deque<OutboundFrame>()
    private var live = Deque<LiveEntry>()
    private var liveEntries = 0
    private(set) var liveEventCount = 0
    private var liveNext: [Int64] = []
    private var liveStart: [TopicPartition: Int64] = [:]
    private var historyNext: [TopicPartition: Int64] = [:]
    /// Live events discarded while replaying because the live lane was full; the replay then
    /// reads them from history instead (see `restartLive`).
    private(set) var missedWhileReplaying = 0
    private(set) var closeRequest: (code: UInt16, reason: String)?
    private var closeTaken = false
    /// Positions a resuming client already holds beyond where the feed was when it registered
    /// (its cursor came from an instance further ahead): nothing below them is sent again, and
    /// no checkpoint is sent until the feed has passed them.
    private var floor: [TopicPartition: Int64] = [:]
    /// Uptime (ns) of the last checkpoint queued.
    private var lastCheckpointAt: UInt64 = 0
    /// A checkpoint held back by the minimum interval, queued by `flushCheckpoint` or replaced by
    /// the next one.
    private var pendingCheckpoint: SharedCheckpoint?

    /// Checkpoints go out after batches that gave this client an event, and at least this often
    /// while events flow (for clients whose filter matches little).
    static let checkpointInterval: UInt64 = 1_000_000_000
    /// ... but not more often than this: at 1000 events/s a checkpoint per 10 ms batch cost 8% of
    /// the bytes sent, and at 10 events/s (one event per batch) 60%. A client's cursor is then at
    /// most this old; a resume re-sends at most these events, recognised by id.
    static let checkpointMinimumInterval: UInt64 = 100_000_000

    init(capacity: Int, policy: OverflowPolicy, filter: StreamFilter) {
        self.capacity = max(1, capacity)
        self.policy = policy
        self.filter = filter
    }

    var historyCount: Int { history.count }
    var depth: Int { history.count + liveEventCount }
    var isClosing: Bool { closeRequest != nil }
    /// Whether `take` would return something.
    var hasFramesReady: Bool {
        !history.isEmpty || (phase == .live && !live.isEmpty) || (closeRequest != nil && !closeTaken)
    }

    /// Sets where live delivery starts: the feed's next offsets when the client registered.
    mutating func startLive(at positions: [TopicPartition: Int64], slots: [TopicPartition: Int]) {
        liveStart = positions.merging(floor) { Swift.max($0, $1) }
        liveNext = Array(repeating: Int64.min, count: (slots.values.max() ?? -1) + 1)
        for (partition, offset) in liveStart {
            if let slot = slots[partition] { liveNext[slot] = offset }
        }
    }

    /// A resuming client holds everything below `cursor`: positions ahead of the live start
    /// become floors for both lanes (call after `startLive`, before any history).
    mutating func resume(from cursor: [TopicPartition: Int64], slots: [TopicPartition: Int]) {
        floor = cursor.filter { partition, offset in offset > liveStart[partition, default: Int64.max] }
        for (partition, offset) in floor { historyNext[partition] = offset }
        startLive(at: liveStart, slots: slots)
    }

    /// Where everything before has been delivered: the live start, and within history what the
    /// replay has passed (`base` are the positions the replay started from).
    func historyCursor(base: [TopicPartition: Int64]) -> StreamCursor {
        StreamCursor(base.merging(historyNext) { Swift.max($0, $1) }.merging(floor) { Swift.max($0, $1) })
    }

    /// Offers live events (in feed order; `slots[i]` is the partition slot of `events[i]`, -1
    /// when unknown). Never waits: a full lane drops or closes by policy.
    /// `frames`, when given, is every event's frame back to back, and the batch's offsets
    /// increase within each partition (the hub checks).
    /// `verdicts[i]`, when given, is this client's `where=` conditions evaluated on `events[i]`
    /// (once for every client with the same conditions).
    mutating func offer(
        _ events: [StreamEvent], slots: [Int], frames: ByteBuffer? = nil, checkpoint: SharedCheckpoint? = nil,
        now: UInt64 = 0, verdicts: [Bool]? = nil
    ) -> OfferOutcome {
        var outcome = frames.flatMap { offerWhole(events, slots: slots, frames: $0, verdicts: verdicts) }
            ?? offerEvents(events, slots: slots, verdicts: verdicts)
        if let checkpoint, !outcome.closing, closeRequest == nil { offerCheckpoint(checkpoint, outcome: &outcome, now: now) }
        return outcome
    }

    /// Queues the batch's checkpoint behind its events when this client got some (or a second
    /// passed), unless the lane no longer holds everything the checkpoint claims.
    private mutating func offerCheckpoint(_ checkpoint: SharedCheckpoint, outcome: inout OfferOutcome, now: UInt64) {
        guard outcome.accepted > 0 || outcome.dropped > 0 || pendingCheckpoint != nil
            || now &- lastCheckpointAt >= Self.checkpointInterval
        else { return }
        // While replaying, an overflowed lane was emptied: what it skipped comes from history.
        guard phase == .live || missedWhileReplaying == 0 else { return }
        if !floor.isEmpty {
            floor = floor.filter { partition, offset in checkpoint.positions[partition, default: Int64.min] < offset }
            guard floor.isEmpty else { return }
        }
        guard now &- lastCheckpointAt >= Self.checkpointMinimumInterval else {
            pendingCheckpoint = checkpoint
            return
        }
        queueCheckpoint(checkpoint, now: now)
    }

    /// Queues a held-back checkpoint once the minimum interval has passed (called a few times
    /// a second), so the last batch before a pause is followed by its checkpoint.
    mutating func flushCheckpoint(now: UInt64) -> Bool {
        guard let pending = pendingCheckpoint, closeRequest == nil, now &- lastCheckpointAt >= Self.checkpointMinimumInterval
        else { return false }
        queueCheckpoint(pending, now: now)
        return true
    }

    private mutating func queueCheckpoint(_ checkpoint: SharedCheckpoint, now: UInt64) {
        lastCheckpointAt = now
        pendingCheckpoint = nil
        if case .checkpoint? = live.last {
            live.replaceLast(.checkpoint(checkpoint.frame))
        } else {
            live.append(.checkpoint(checkpoint.frame))
            liveEntries += 1
        }
    }

    /// Queues the whole batch as one entry when this client takes every event of it: live, room
    /// for all, none a duplicate, all matching its filter (the common case: profiles showed the
    /// reference counting of per-event buffers, per client, as 40% of the server's CPU). Nil
    /// when not, and nothing changed: the batch then goes event by event.
    private mutating func offerWhole(_ events: [StreamEvent], slots: [Int], frames: ByteBuffer, verdicts: [Bool]?) -> OfferOutcome? {
        guard phase == .live, closeRequest == nil, !events.isEmpty, liveEventCount + events.count <= capacity else { return nil }
        for (index, event) in events.enumerated() {
            let slot = slots[index]
            if slot >= 0, slot < liveNext.count, event.offset < liveNext[slot] { return nil }
            guard filter.matches(event, verdict: verdicts?[index]) else { return nil }
        }
        for (index, event) in events.enumerated() where slots[index] >= 0 {
            let slot = slots[index]
            if slot >= liveNext.count { liveNext += Array(repeating: Int64.min, count: slot + 1 - liveNext.count) }
            liveNext[slot] = event.offset.saturatingSuccessor
        }
        live.append(.frame(.events(frames, count: events.count)))
        liveEntries += 1
        liveEventCount += events.count
        return OfferOutcome(accepted: events.count)
    }

    private mutating func offerEvents(_ events: [StreamEvent], slots: [Int], verdicts: [Bool]?) -> OfferOutcome {
        var outcome = OfferOutcome()
        guard closeRequest == nil else { return outcome }
        for (index, event) in events.enumerated() {
            let slot = slots[index]
            if slot >= 0 {
                if slot >= liveNext.count { liveNext += Array(repeating: Int64.min, count: slot + 1 - liveNext.count) }
                if event.offset < liveNext[slot] { continue }
                liveNext[slot] = event.offset.saturatingSuccessor
            }
            guard filter.matches(event, verdict: verdicts?[index]) else { continue }
            if phase == .replaying {
                if missedWhileReplaying > 0 || liveEventCount >= capacity {
                    if missedWhileReplaying == 0 { clearLive() }
                    missedWhileReplaying += 1
                    continue
                }
            } else if liveEventCount >= capacity {
                switch policy {
                case .drop:
                    outcome.dropped += 1
                    if case .dropped(let count)? = live.last {
                        live.replaceLast(.dropped(count + 1))
                    } else {
                        live.append(.dropped(1))
                        liveEntries += 1
                    }
                    continue
                case .close:
                    requestClose(code: Self.slowConsumerCloseCode, reason: "slow consumer: queue overflow", discardPending: true)
                    outcome.closing = true
                    return outcome
                }
            }
            live.append(.frame(.event(event.frame)))
            liveEntries += 1
            liveEventCount += 1
            outcome.accepted += 1
        }
        return outcome
    }

    /// Queues one replayed event; false when it is a duplicate or filtered out.
    mutating func pushHistory(_ event: StreamEvent) -> Bool {
        guard closeRequest == nil,
            event.offset >= historyNext[event.partition, default: Int64.min],
            event.offset < liveStart[event.partition, default: Int64.max]
        else { return false }
        historyNext[event.partition] = event.offset.saturatingSuccessor
        guard filter.matches(event) else { return false }
        history.append(.event(event.frame))
        return true
    }

    /// Ends the replay: the `live` notice goes after the last history frame, then the live lane.
    mutating func goLive(replayed: Int) {
        guard phase == .replaying else { return }
        history.append(.control(ControlFrame.live(replayed: replayed, cursor: StreamCursor(liveStart)).buffer))
        phase = .live
    }

    /// The live lane overflowed during the replay: forget it and let the replay continue up to
    /// `positions` (the feed's current next offsets) before trying to hand over again.
    /// Returns how many live events had been missed.
    mutating func restartLive(at positions: [TopicPartition: Int64], slots: [TopicPartition: Int]) -> Int {
        let missed = missedWhileReplaying
        clearLive()
        missedWhileReplaying = 0
        startLive(at: positions, slots: slots)
        return missed
    }

    /// The feed's position in a partition went backwards (topic recreated, a new cluster behind
    /// the same name): live delivery follows it from `offset` instead of waiting for offsets it
    /// has already passed, which would silence the partition for good.
    mutating func partitionReset(_ partition: TopicPartition, slot: Int, to offset: Int64) {
        if slot >= 0, slot < liveNext.count { liveNext[slot] = offset }
        liveStart[partition] = offset
        historyNext[partition] = nil
        floor[partition] = nil
    }

    /// Queues a control frame on the live lane (or on history while replaying, so it is not held
    /// back behind the replay). False when the client has stopped reading for too long.
    mutating func appendControl(_ frame: ControlFrame) -> Bool {
        guard closeRequest == nil else { return true }
        guard history.count + liveEntries < capacity + Self.controlAllowance else { return false }
        if phase == .replaying {
            history.append(.control(frame.buffer))
        } else {
            live.append(.frame(.control(frame.buffer)))
            liveEntries += 1
        }
        return true
    }

    /// Asks the writer to close after the frames already queued (or at once, discarding them).
    mutating func requestClose(code: UInt16, reason: String, discardPending: Bool) {
        guard closeRequest == nil else { return }
        // A client closed after what is queued also gets the cursor for it.
        if !discardPending, let pending = pendingCheckpoint { queueCheckpoint(pending, now: lastCheckpointAt) }
        closeRequest = (code, reason)
        if discardPending {
            history.removeAll()
            clearLive()
        }
    }

    /// Up to `maxCount` frames for the writer, history first; empty when nothing is ready.
    mutating func take(maxCount: Int) -> [OutboundFrame] {
        if !history.isEmpty { return history.removeFirst(upTo: maxCount) }
        if phase == .live, !live.isEmpty {
            let entries = live.removeFirst(upTo: maxCount)
            liveEntries -= entries.count
            return entries.map { entry in
                switch entry {
                case .frame(let frame):
                    switch frame {
                    case .event: liveEventCount -= 1
                    case .events(_, let count): liveEventCount -= count
                    default: break
                    }
                    return frame
                case .dropped(let count):
                    return .control(ControlFrame.dropped(count: count).buffer)
                case .checkpoint(let frame):
                    return .encoded(frame)
                }
            }
        }
        if let closeRequest, !closeTaken {
            closeTaken = true
            return [.close(code: closeRequest.code, reason: closeRequest.reason)]
        }
        return []
    }

    private mutating func clearLive() {
        live.removeAll()
        liveEntries = 0
        liveEventCount = 0
    }
}
