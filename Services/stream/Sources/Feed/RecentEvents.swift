import EDMCore
import EDMKafka

/// The last `capacity` events in arrival order, so most `last=`/`since=` requests are answered
/// from memory. It also knows, per partition, from which offset and from which timestamp it
/// holds *every* event, so a request is only served from here when nothing can be missing.
struct RecentEvents {
    let capacity: Int
    private var slots: [StreamEvent?]
    private var next = 0
    /// Slots filled since start, at most `capacity` (slots emptied by `reset` still count).
    private(set) var count = 0
    /// Every event of the partition at or after this offset is held (or was not an event).
    private var coveredFromOffset: [TopicPartition: Int64] = [:]
    /// Every event of the partition with a timestamp at or after this (ms) is held.
    private var coveredFromTime: [TopicPartition: Int64] = [:]

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        slots = Array(repeating: nil, count: self.capacity)
    }

    /// Starts covering `partition` from `offset`: everything the feed reads from there on is seen.
    /// `sinceTime` is the earliest timestamp an unseen older message could not have (the start-up
    /// time, or `Int64.min` when the partition was empty).
    mutating func track(_ partition: TopicPartition, from offset: Int64, sinceTime: Int64) {
        coveredFromOffset[partition] = offset
        coveredFromTime[partition] = sinceTime
    }

    /// Forgets a partition whose offsets restarted at `offset` (topic recreated): its held
    /// events belong to the old log, and nothing older than `offset` is known in the new one.
    mutating func reset(_ partition: TopicPartition, to offset: Int64) {
        for index in slots.indices where slots[index]?.partition == partition { slots[index] = nil }
        coveredFromOffset[partition] = offset
        // Timestamps in the new log are unknown: `since=` is answered from Kafka.
        coveredFromTime[partition] = .max
    }

    mutating func append(_ event: StreamEvent) {
        guard capacity > 0 else {
            forget(event)
            return
        }
        if let evicted = slots[next] { forget(evicted) }
        slots[next] = event
        next = (next + 1) % capacity
        count = min(count + 1, capacity)
    }

    private mutating func forget(_ event: StreamEvent) {
        // Offsets and timestamps come from the broker and from whoever produced the record:
        // a timestamp of Int64.max must not trap.
        coveredFromOffset[event.partition] = max(coveredFromOffset[event.partition] ?? .min, event.offset.saturatingSuccessor)
        coveredFromTime[event.partition] = max(coveredFromTime[event.partition] ?? .min, event.timestamp.saturatingSuccessor)
    }

    /// True when every event in `ranges` (per partition, `start..<end`) is held.
    func covers(_ ranges: [TopicPartition: Range<Int64>]) -> Bool {
        ranges.allSatisfy { partition, range in
            range.isEmpty || (coveredFromOffset[partition].map { range.lowerBound >= $0 } ?? false)
        }
    }

    /// The held events inside `ranges`, oldest first.
    func events(in ranges: [TopicPartition: Range<Int64>]) -> [StreamEvent] {
        inArrivalOrder.filter { ranges[$0.partition]?.contains($0.offset) ?? false }
    }

    /// Per partition, the first offset with a timestamp at or after `time`, when the ring is
    /// sure to hold every such event; nil when some partition might have older ones elsewhere.
    func startOffsets(since time: Int64, ending ends: [TopicPartition: Int64]) -> [TopicPartition: Int64]? {
        guard ends.keys.allSatisfy({ partition in coveredFromTime[partition].map { time >= $0 } ?? false }) else {
            return nil
        }
        var starts = ends
        for event in inArrivalOrder.reversed() where event.timestamp >= time {
            if let end = ends[event.partition], event.offset < end {
                starts[event.partition] = min(starts[event.partition] ?? end, event.offset)
            }
        }
        return starts
    }

    private var inArrivalOrder: [StreamEvent] {
        guard count > 0 else { return [] }
        let start = (next - count + capacity) % capacity
        return (0..<count).compactMap { slots[(start + $0) % capacity] }
    }
}
