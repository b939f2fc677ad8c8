/// The latest events for the live feed: a ring of at most `capacity` events (so memory stays
/// flat at any rate) that can be paused. While paused the ring keeps moving but the view shows
/// the events as they were when the pause started, plus how many arrived since.
public struct EventFeed: Sendable {
    public let capacity: Int
    private var ring: [LiveEvent] = []
    private var next = 0
    public private(set) var frozen: [LiveEvent]?
    /// Events that arrived while paused.
    public private(set) var missedWhilePaused: Int64 = 0

    public init(capacity: Int = 200) {
        self.capacity = max(1, capacity)
        ring.reserveCapacity(self.capacity)
    }

    public var isPaused: Bool { frozen != nil }

    public mutating func append(_ event: LiveEvent) {
        if ring.count < capacity {
            ring.append(event)
        } else {
            ring[next] = event
        }
        next = (next + 1) % capacity
        if isPaused { missedWhilePaused += 1 }
    }

    public mutating func togglePause() {
        if isPaused {
            frozen = nil
            missedWhilePaused = 0
        } else {
            frozen = latest(capacity)
        }
    }

    /// Up to `limit` events, newest first, passing `filter` (the frozen ones while paused).
    public func visible(_ limit: Int, where filter: (LiveEvent) -> Bool = { _ in true }) -> [LiveEvent] {
        guard limit > 0 else { return [] }
        let source = frozen ?? latest(capacity)
        var result: [LiveEvent] = []
        for event in source where filter(event) {
            result.append(event)
            if result.count == limit { break }
        }
        return result
    }

    public var count: Int { ring.count }

    /// Newest first.
    private func latest(_ limit: Int) -> [LiveEvent] {
        var result: [LiveEvent] = []
        result.reserveCapacity(min(limit, ring.count))
        var index = next
        for _ in 0..<min(limit, ring.count) {
            index = (index - 1 + ring.count) % ring.count
            result.append(ring[index])
        }
        return result
    }
}
