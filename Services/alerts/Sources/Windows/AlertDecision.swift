import EDMEvents

/// An alert the engine decided, with what the publisher needs to know about it.
public struct AlertDecision: Sendable, Hashable {
    public var alert: AlertProperties
    /// Event time of the decision (ms): the crossing event's time, or the closed window's end.
    public var eventTime: Int64
    /// The alert was published before this process started (its id is in the history read
    /// back from `edm-alerts`, or an earlier window of the same key was decided there): the
    /// engine's state follows it, but it is not published again.
    public var alreadyPublished: Bool
}
