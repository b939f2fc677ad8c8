import EDMEvents
import Foundation

/// Counts events into each rule's event-time windows and decides alerts: pure state, no I/O,
/// so every rule of windows, grace and hysteresis is tested directly.
///
/// - An *above* rule fires as soon as a window's count reaches a threshold (one alert per
///   level, so the latency is one event, not a window); a *below* rule fires when a window
///   closes at or under a threshold.
/// - An alert starts an episode for (rule, key): while it lasts, further windows at the same
///   or a lower level stay quiet (never one alert per window or per update); a higher level
///   still fires. A closed window after the last firing one whose count passes `resolveAt`
///   ends the episode with one `resolved` alert (hysteresis: the key has to come back clearly).
/// - Windows close at end + grace by the watermark (``advance(to:)``); an event whose window
///   has closed is late: it is not counted there, and ``lateEvents`` counts it.
/// - Close decisions (below alerts, resolutions) are taken only for windows starting at or
///   after `coverageStart`, the instant from which the process has read every event: an
///   earlier window is only partly rebuilt and would look quiet.
public struct AlertEngine: Sendable {
    public let rules: [AlertRule]
    public let coverageStart: Int64
    /// Event-time progress: windows closing at or before it are closed.
    public private(set) var watermark: Int64 = .min
    /// Late events per rule name since the last ``takeLateEvents()``.
    public private(set) var lateEvents: [String: Int] = [:]

    struct Episode: Sendable {
        var level: AlertLevel
        var lastFiringStart: Int64
    }

    /// Per rule: key -> its open windows' counts and when it was last seen. Below rules keep
    /// a key while it has windows or was seen in the last ten windows (so quiet windows are
    /// checked too); above rules drop it once its windows closed.
    private var keys: [[String: KeyWindows]]
    private var episodes: [[String: Episode]]
    /// Per rule: the starts of windows holding a count (for ``openWindowCount``).
    private var openStarts: [[Int64]]
    private let shapes: [RuleShape]
    /// Per rule: the start of the next window to close.
    private var nextToClose: [Int64]
    private var knownIDs: Set<UUID> = []
    /// Per rule and key: the latest window start decided by an earlier process.
    private var decidedBefore: [Int: [String: Int64]] = [:]

    public init(rules: [AlertRule], coverageStart: Int64) {
        self.rules = rules
        self.coverageStart = coverageStart
        keys = Array(repeating: [:], count: rules.count)
        episodes = Array(repeating: [:], count: rules.count)
        openStarts = Array(repeating: [], count: rules.count)
        shapes = rules.map(RuleShape.init)
        nextToClose = rules.map { $0.windowStarts(containing: coverageStart).first(where: { _ in true }) ?? coverageStart }
    }

    /// Alerts published before this process (read back from `edm-alerts`): restores each
    /// key's episode and remembers the ids, so a re-decided alert is not published twice.
    public mutating func restore(_ history: [AlertProperties]) {
        let ordered = history.sorted { ($0.windowStart, $0.resolved ? 1 : 0) < ($1.windowStart, $1.resolved ? 1 : 0) }
        for alert in ordered {
            guard let index = rules.firstIndex(where: { $0.name == alert.rule }) else { continue }
            knownIDs.insert(alert.eventID)
            let start = EventTimestamp.milliseconds(from: alert.windowStart)
            decidedBefore[index, default: [:]][alert.key] = max(decidedBefore[index]?[alert.key] ?? .min, start)
            if alert.resolved {
                episodes[index][alert.key] = nil
            } else {
                let previous = episodes[index][alert.key]
                episodes[index][alert.key] = Episode(
                    level: max(previous?.level ?? alert.level, alert.level),
                    lastFiringStart: max(previous?.lastFiringStart ?? start, start))
            }
        }
    }

    /// Counts one decoded envelope (`eventTime` in ms, placed by ``EventTimePolicy``) and
    /// returns the alerts it triggers (tests; the service counts ``MatchedEvent``s).
    public mutating func ingest(_ event: EventEnvelope, eventTime: Int64) -> [AlertDecision] {
        let fields = EventFields(event)
        return ingest(keys: rules.map { $0.key(of: fields) }, eventTime: eventTime)
    }

    /// Counts one event already matched against the rules (`keys[i]` for `rules[i]`, nil where
    /// a rule does not count it; see ``MatchedEvent``) and returns the alerts it triggers.
    public mutating func ingest(keys ruleKeys: [String?], eventTime: Int64) -> [AlertDecision] {
        precondition(ruleKeys.count == rules.count, "one key (or nil) per rule of this engine")
        var decisions: [AlertDecision] = []
        // A local copy of the array (one retain): reading a rule through `self`, which this
        // method mutates, made the compiler copy the whole rule per event and rule.
        let rules = self.rules
        for index in rules.indices {
            guard let key = ruleKeys[index] else { continue }
            let shape = shapes[index]
            let last = shape.lastStart(containing: eventTime)
            var late = false
            var crossings: [KeyWindows.Count] = []
            // One lookup of the key, then its windows in place (no copy of its counts).
            keys[index][key, default: KeyWindows()].count(
                eventTime: eventTime, shape: shape, lastStart: last, watermark: watermark,
                late: &late, crossings: &crossings, openStarts: &openStarts[index])
            if late { lateEvents[rules[index].name, default: 0] += 1 }
            for crossing in crossings {
                let level: AlertLevel = crossing.count == shape.critical ? .critical : .warning
                if let decision = fire(index, key: key, start: crossing.start, level: level, count: crossing.count, at: eventTime) {
                    decisions.append(decision)
                }
            }
        }
        return decisions
    }

    /// Moves the watermark (never backwards) and closes every window that ends, plus grace, at
    /// or before it, oldest first; returns the alerts the closed windows decide.
    public mutating func advance(to newWatermark: Int64) -> [AlertDecision] {
        guard newWatermark > watermark else { return [] }
        watermark = newWatermark
        var decisions: [AlertDecision] = []
        for index in rules.indices {
            let rule = rules[index]
            if keys[index].isEmpty, episodes[index].isEmpty {
                // Nothing to decide: skip straight to the current window.
                let current = rule.windowStarts(containing: newWatermark &- rule.windowMilliseconds &- rule.graceMilliseconds)
                nextToClose[index] = max(nextToClose[index], current.first(where: { _ in true }) ?? nextToClose[index])
            }
            while rule.closesAt(windowStart: nextToClose[index]) <= newWatermark {
                decisions += close(index, start: nextToClose[index])
                nextToClose[index] += rule.slideMilliseconds
            }
        }
        return decisions
    }

    /// Late events per rule since the last call (for the metric), and resets them.
    public mutating func takeLateEvents() -> [String: Int] {
        defer { lateEvents = [:] }
        return lateEvents
    }

    /// Keys in an alerting episode, per rule name (for metrics and tests).
    public var alertingKeys: [String: [String: AlertLevel]] {
        var result: [String: [String: AlertLevel]] = [:]
        for index in rules.indices where !episodes[index].isEmpty {
            result[rules[index].name] = episodes[index].mapValues(\.level)
        }
        return result
    }

    /// Windows held in memory (for metrics).
    public var openWindowCount: Int { openStarts.reduce(0) { $0 + $1.count } }

    // MARK: Deciding

    private mutating func close(_ index: Int, start: Int64) -> [AlertDecision] {
        let rule = rules[index]
        openStarts[index].removeAll { $0 <= start }
        // Every key's count of the closing window, taken out of its windows.
        var window: [String: Int64] = [:]
        for position in keys[index].values.indices {
            let count = keys[index].values[position].close(start)
            if count > 0 { window[keys[index].keys[position]] = count }
        }
        var decisions: [AlertDecision] = []
        if start >= coverageStart {
            let end = start &+ rule.windowMilliseconds
            if rule.direction == .below {
                for key in keys[index].keys.sorted() {
                    let count = window[key] ?? 0
                    if let level = rule.level(for: count) {
                        if let decision = fire(index, key: key, start: start, level: level, count: count, at: end) {
                            decisions.append(decision)
                        }
                    } else if let decision = resolve(index, key: key, start: start, count: count) {
                        decisions.append(decision)
                    }
                }
                // Keys silent for ten windows and not alerting are forgotten (bounded memory).
                let episodes = episodes[index]
                keys[index] = keys[index].filter { key, windows in
                    !windows.isEmpty || windows.lastSeen >= start - 10 * rule.windowMilliseconds || episodes[key] != nil
                }
            } else {
                for key in episodes[index].keys.sorted() {
                    if let decision = resolve(index, key: key, start: start, count: window[key] ?? 0) {
                        decisions.append(decision)
                    }
                }
            }
        }
        if rule.direction == .above { keys[index] = keys[index].filter { !$0.value.isEmpty } }
        return decisions
    }

    private mutating func fire(
        _ index: Int, key: String, start: Int64, level: AlertLevel, count: Int64, at time: Int64
    ) -> AlertDecision? {
        let rule = rules[index]
        if var episode = episodes[index][key], episode.level >= level {
            episode.lastFiringStart = max(episode.lastFiringStart, start)
            episodes[index][key] = episode
            return nil
        }
        let previous = episodes[index][key]?.lastFiringStart ?? start
        episodes[index][key] = Episode(level: level, lastFiringStart: max(previous, start))
        let alert = AlertProperties(
            rule: rule.name, key: key, level: level, windowStart: date(start),
            windowEnd: date(start &+ rule.windowMilliseconds), count: count, threshold: rule.threshold(for: level),
            resolved: false)
        return decision(alert, index: index, key: key, start: start, at: time)
    }

    private mutating func resolve(_ index: Int, key: String, start: Int64, count: Int64) -> AlertDecision? {
        let rule = rules[index]
        guard let episode = episodes[index][key], start > episode.lastFiringStart, rule.resolves(count) else { return nil }
        episodes[index][key] = nil
        let end = start &+ rule.windowMilliseconds
        let alert = AlertProperties(
            rule: rule.name, key: key, level: episode.level, windowStart: date(start), windowEnd: date(end),
            count: count, threshold: rule.resolveAt, resolved: true)
        return decision(alert, index: index, key: key, start: start, at: end)
    }

    private func decision(_ alert: AlertProperties, index: Int, key: String, start: Int64, at time: Int64) -> AlertDecision {
        let decidedEarlier = decidedBefore[index]?[key].map { start < $0 } ?? false
        return AlertDecision(
            alert: alert, eventTime: time, alreadyPublished: decidedEarlier || knownIDs.contains(alert.eventID))
    }

    private func date(_ milliseconds: Int64) -> Date {
        EventTimestamp.date(fromMilliseconds: milliseconds)
    }
}
