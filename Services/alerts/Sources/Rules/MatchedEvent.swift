import EDMEvents

/// What the window engine needs of one event, projected from the shared decoder's fields when
/// the record is decoded (outside the state lock, on the decoding threads): when it happened
/// and, per rule, the key it counts under. No envelope is built for it.
public struct MatchedEvent: Sendable, Hashable {
    /// The instant that places it in windows (``EventTimePolicy``), ms since 1970.
    public var eventTime: Int64
    /// The relay's clock, which the watermark follows, ms since 1970.
    public var receivedAt: Int64
    /// `keys[i]` is the key `rules[i]` counts the event under; nil when that rule does not count it.
    public var keys: [String?]

    public init(eventTime: Int64, receivedAt: Int64, keys: [String?]) {
        self.eventTime = eventTime
        self.receivedAt = receivedAt
        self.keys = keys
    }

    /// Matches `fields` against every rule; times are placed as stats places them (through `Date`s).
    public init(_ fields: EventFields, rules: [AlertRule], policy: EventTimePolicy) {
        self.init(fields, matchers: rules.map(RuleMatcher.init), policy: policy)
    }

    init(_ fields: EventFields, matchers: [RuleMatcher], policy: EventTimePolicy) {
        let time = policy.bucketTime(
            occurredAt: EventTimestamp.date(fromMilliseconds: fields.occurredAtMilliseconds),
            receivedAt: EventTimestamp.date(fromMilliseconds: fields.receivedAtMilliseconds))
        self.init(
            eventTime: EventTimestamp.milliseconds(from: time), receivedAt: fields.receivedAtMilliseconds,
            keys: matchers.map { $0.key(of: fields) })
    }
}
