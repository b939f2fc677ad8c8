import EDMEvents

/// One rule of `ALERT_RULES`: which events it counts, how it groups them into keys and
/// event-time windows, and when a key's window count alerts and when it recovers.
///
/// Times are whole milliseconds (windows align to the Unix epoch, as stats' buckets do).
public struct AlertRule: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// Alert when a window's count reaches a threshold (count >= threshold).
        case above
        /// Alert when a closed window's count is at or below a threshold (traffic dropped).
        case below
    }

    public var name: String
    /// The client event type counted (`click`, `pageload`).
    public var eventType: String
    /// Every condition must hold for an event to count.
    public var conditions: [FieldCondition]
    /// The field whose value names the key; nil counts all matching events under one key, `*`.
    public var keyField: FieldPath?
    public var windowMilliseconds: Int64
    /// Equal to the window for tumbling windows; smaller (dividing it) for hopping windows.
    public var slideMilliseconds: Int64
    /// How long after its end a window still takes late events before it closes.
    public var graceMilliseconds: Int64
    public var direction: Direction
    public var warning: Int64
    public var critical: Int64
    /// Hysteresis: an alerting key is resolved by a later closed window whose count is at or
    /// below this (above rules) or at or above it (below rules).
    public var resolveAt: Int64

    /// The key a rule without a key field counts under.
    public static let wholeStreamKey = "*"

    /// Start of every window containing `time` (oldest first).
    public func windowStarts(containing time: Int64) -> StrideThrough<Int64> {
        let last = Self.floorDivide(time, slideMilliseconds) * slideMilliseconds
        return stride(from: last - windowMilliseconds + slideMilliseconds, through: last, by: Int(slideMilliseconds))
    }

    /// The instant the window starting at `start` closes (end plus grace).
    public func closesAt(windowStart start: Int64) -> Int64 {
        start &+ windowMilliseconds &+ graceMilliseconds
    }

    /// The level a count reaches, if any (above: the highest threshold reached; below: the
    /// lowest threshold not exceeded).
    public func level(for count: Int64) -> AlertLevel? {
        switch direction {
        case .above: count >= critical ? .critical : count >= warning ? .warning : nil
        case .below: count <= critical ? .critical : count <= warning ? .warning : nil
        }
    }

    public func threshold(for level: AlertLevel) -> Int64 {
        level == .critical ? critical : warning
    }

    /// Whether a closed window with `count` ends an alerting episode.
    public func resolves(_ count: Int64) -> Bool {
        direction == .above ? count <= resolveAt : count >= resolveAt
    }

    /// Whether `event` counts for this rule, and under which key.
    public func key(of event: EventFields) -> String? {
        Self.key(of: event, eventType: eventType, conditions: conditions, keyField: keyField)
    }

    static func key(of event: EventFields, eventType: String, conditions: [FieldCondition], keyField: FieldPath?) -> String? {
        guard event.type == eventType else { return nil }
        for condition in conditions where !condition.holds(for: event) { return nil }
        guard let keyField else { return wholeStreamKey }
        return keyField.value(in: event)
    }

    /// The key of a decoded envelope (tests, tools): the same answer as for its fields.
    public func key(of event: EventEnvelope) -> String? {
        key(of: EventFields(event))
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// `field` equals one of `values` (a single value is a one-element list).
public struct FieldCondition: Sendable, Hashable {
    public var field: FieldPath
    public var values: Set<String>

    public func holds(for event: EventFields) -> Bool {
        guard let value = field.value(in: event) else { return false }
        // Most conditions name one value: a comparison, not a hash.
        return values.count == 1 ? values.first == value : values.contains(value)
    }
}
