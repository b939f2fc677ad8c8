import Foundation

/// How urgent an alert is: warning (look soon) or critical (look now).
public enum AlertLevel: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case warning
    case critical

    public static func < (lhs: AlertLevel, rhs: AlertLevel) -> Bool {
        lhs == .warning && rhs == .critical
    }
}

/// An alert the `alerts` service derived from a window of client events: a key crossed a
/// rule's threshold in one event-time window, or (with `resolved`) fell back past the rule's
/// resolve threshold after alerting. Published on `edm-alerts` in the canonical envelope
/// (`source` derived), never accepted from clients (it is not in ``EventRegistry/standard``).
///
/// The envelope's id is ``eventID``: the same alert decided again after a restart gets the same
/// id, so readers drop the repeat.
public struct AlertProperties: EventProperties {
    public static let eventType = "alert"
    public static let topicBase = "edm-alerts"
    public static let summary = "The alerts service saw a key cross a rule's threshold in an event-time window, or recover."

    public static let fieldRules: [FieldRule] = [
        .derived("rule", .text(1...64), summary: "Name of the rule (ALERT_RULES)."),
        .derived("key", .text(0...1024), summary: "The value of the rule's key field the window counted (\"*\" when the rule has no key)."),
        .derived("level", .oneOf(AlertLevel.self), summary: "warning or critical; for a resolved alert, the highest level the key reached."),
        .derived("windowStart", .timestamp, summary: "Start of the event-time window (inclusive)."),
        .derived("windowEnd", .timestamp, summary: "End of the event-time window (exclusive)."),
        .derived("count", .integer(0...maximumCount), summary: "Events of the key counted in the window when the alert was decided."),
        .derived("threshold", .integer(0...maximumCount), summary: "The threshold crossed (the resolve threshold for a resolved alert)."),
        .derived("resolved", .boolean, summary: "true when the key fell back after alerting (hysteresis), false when it crossed."),
    ]

    /// Far above any window's count; bounded so schema checks can probe past it.
    public static let maximumCount: Int64 = 1_000_000_000_000

    public static let example = AlertProperties(
        rule: "session-click-burst", key: "c8f6a4e0-9b1d-11ee-8c90-0242ac120002", level: .critical,
        windowStart: Date(timeIntervalSince1970: 1_764_000_000), windowEnd: Date(timeIntervalSince1970: 1_764_000_010),
        count: 50, threshold: 50, resolved: false)

    public var rule: String
    public var key: String
    public var level: AlertLevel
    public var windowStart: Date
    public var windowEnd: Date
    public var count: Int64
    public var threshold: Int64
    public var resolved: Bool

    public init(
        rule: String, key: String, level: AlertLevel, windowStart: Date, windowEnd: Date, count: Int64,
        threshold: Int64, resolved: Bool
    ) {
        self.rule = rule
        self.key = key
        self.level = level
        self.windowStart = EventTimestamp.rounded(windowStart)
        self.windowEnd = EventTimestamp.rounded(windowEnd)
        self.count = count
        self.threshold = threshold
        self.resolved = resolved
    }

    public init(fields: FieldReader) throws(ValidationFailure) {
        let level = AlertLevel(rawValue: try fields.string("level"))
        let start = EventTimestamp.date(from: try fields.string("windowStart"))
        let end = EventTimestamp.date(from: try fields.string("windowEnd"))
        guard let level, let start, let end, let count = fields["count"]?.int64Value,
            let threshold = fields["threshold"]?.int64Value, case .bool(let resolved)? = fields["resolved"]
        else {
            throw ValidationFailure([
                Violation(path: "properties", code: .required, message: "is incomplete (the alert's rules did not enforce it)")
            ])
        }
        self.init(
            rule: try fields.string("rule"), key: try fields.string("key"), level: level, windowStart: start,
            windowEnd: end, count: count, threshold: threshold, resolved: resolved)
    }

    public var fieldValues: [String: JSONValue] {
        [
            "rule": .string(rule), "key": .string(key), "level": .string(level.rawValue),
            "windowStart": .string(EventTimestamp.string(from: windowStart)),
            "windowEnd": .string(EventTimestamp.string(from: windowEnd)),
            "count": .integer(count), "threshold": .integer(threshold), "resolved": .bool(resolved),
        ]
    }

    /// The deterministic event id: rule, key, window, level and whether it is the resolution.
    /// Count and threshold are left out on purpose: the decision, not its figures, names it.
    public var eventID: UUID {
        DerivedEventID.make(
            namespace: "edm-alert",
            [
                rule, key, EventTimestamp.string(from: windowStart), EventTimestamp.string(from: windowEnd),
                level.rawValue, resolved ? "resolved" : "firing",
            ])
    }

    /// The Kafka key and `sessionId` of the alert's envelope: derived from rule and key, so one
    /// key's alerts (firing, then resolved) stay in order on one partition.
    public var partitionKey: String {
        DerivedEventID.make(namespace: "edm-alert-key", [rule, key]).uuidString.lowercased()
    }

    /// The alert as an envelope: id from ``eventID``, `occurredAt` the decision's event time,
    /// `receivedAt` the alerts service's clock.
    public func envelope(occurredAt: Date, receivedAt: Date) -> EventEnvelope {
        EventEnvelope(
            id: eventID, occurredAt: min(occurredAt, receivedAt), receivedAt: receivedAt, sessionId: partitionKey,
            source: .derived, properties: self)
    }
}
