import EDMEvents

/// What history a client asked for before going live.
enum ReplayRequest: Sendable, Equatable {
    /// `last=N`: the N most recent events that match the client's filter, looking back at most
    /// N offsets in each partition.
    case last(Int)
    /// `since=<RFC 3339>`: every event from this time (ms since 1970, compared with the Kafka
    /// timestamp the relay's producer set), in partition order.
    case since(Int64)
    /// `resume=<cursor>`: every event at or after the cursor's positions (partitions it does not
    /// name from their start), exactly once, on any instance.
    case resume(StreamCursor)
}

/// Where a replay's history came from (a metrics dimension).
enum ReplaySource: String, Sendable {
    case memory
    case kafka
}
