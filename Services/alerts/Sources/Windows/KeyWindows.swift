/// One key's open windows under one rule: the count of each window start, in a small array
/// (a key is in at most window / slide + grace / slide windows at once), so counting an event
/// costs one dictionary lookup of the key per rule, not one per window it falls in.
struct KeyWindows: Sendable {
    struct Count: Sendable {
        var start: Int64
        var count: Int64
    }

    /// Latest event time counted for the key (below rules check quiet keys by it).
    var lastSeen: Int64 = .min
    private(set) var counts: [Count] = []

    var isEmpty: Bool { counts.isEmpty }

    /// Adds one to the window starting at `start` and returns its new count.
    mutating func increment(_ start: Int64) -> Int64 {
        for index in counts.indices where counts[index].start == start {
            counts[index].count &+= 1
            return counts[index].count
        }
        counts.append(Count(start: start, count: 1))
        return 1
    }

    /// Counts an event at `eventTime` into every window of `shape` containing it that is still
    /// open at `watermark`: `late` when one has closed, `crossings` the windows (of an above
    /// rule) whose count just reached the warning or the critical threshold; a window the
    /// rule had no count in is added to `openStarts`.
    mutating func count(
        eventTime: Int64, shape: RuleShape, lastStart: Int64, watermark: Int64,
        late: inout Bool, crossings: inout [Count], openStarts: inout [Int64]
    ) {
        lastSeen = max(lastSeen, eventTime)
        var start = lastStart &- shape.window &+ shape.slide
        while start <= lastStart {
            defer { start &+= shape.slide }
            guard shape.closesAt(windowStart: start) > watermark else {
                late = true
                continue
            }
            let count = increment(start)
            if count == 1, !openStarts.contains(start) { openStarts.append(start) }
            if shape.above, count == shape.warning || count == shape.critical {
                crossings.append(Count(start: start, count: count))
            }
        }
    }

    /// Removes the windows starting at or before `start` (they are closed) and returns the
    /// count of the one starting at `start` (0 when the key had no event there).
    mutating func close(_ start: Int64) -> Int64 {
        var closed: Int64 = 0
        counts.removeAll { entry in
            if entry.start == start { closed = entry.count }
            return entry.start <= start
        }
        return closed
    }
}

/// The numbers of a rule the engine reads per event, as one trivially copyable value (reading
/// them from ``AlertRule`` would copy and retain its strings for every event).
struct RuleShape: Sendable {
    let window: Int64
    let slide: Int64
    let grace: Int64
    let warning: Int64
    let critical: Int64
    let above: Bool

    init(_ rule: AlertRule) {
        window = rule.windowMilliseconds
        slide = rule.slideMilliseconds
        grace = rule.graceMilliseconds
        warning = rule.warning
        critical = rule.critical
        above = rule.direction == .above
    }

    /// Start of the newest window containing `time`; the others start `slide`, `2 slide`, ...
    /// before it, down to `time - window` (exclusive).
    func lastStart(containing time: Int64) -> Int64 {
        AlertRule.floorDivide(time, slide) &* slide
    }

    func closesAt(windowStart start: Int64) -> Int64 {
        start &+ window &+ grace
    }
}
