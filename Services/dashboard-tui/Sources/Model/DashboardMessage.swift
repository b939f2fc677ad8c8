import Foundation

/// Everything that can change the model: stream frames, connection news, loaded history, keys,
/// resizes and the clock.
public enum DashboardMessage: Sendable {
    case frame(StreamFrame)
    case streamStatus(LinkStatus)
    /// A stream connection for the history of `generation` began (with `resume=` when `cursor`
    /// is set: the events stats had not counted come first, until `live`). Frames that follow
    /// belong to that generation.
    case streamResumed(generation: Int, cursor: String?)
    case statsStatus(LinkStatus)
    case historyLoaded(HistorySnapshot)
    /// Recent alerts from stats (`GET /v1/alerts`).
    case alertsLoaded([AlertBoard.Entry])
    case key(Key)
    case resize(TerminalSize)
    /// The clock moved: `now` is wall time, `monotonicSecond` a steady seconds counter.
    case tick(now: Date, monotonicSecond: Int64)
}

/// What the update asks the program to do besides redrawing.
public enum DashboardEffect: Sendable, Equatable {
    /// Load history from stats now (reload key, dropped events).
    case reloadHistory
    case quit
}

/// One text frame of the stream, decoded: an event or a control frame (an object with `kind`).
public enum StreamFrame: Sendable, Equatable {
    case event(LiveEvent)
    /// An event of type `alert`: shown in the alerts panel, never counted as an event.
    case alert(AlertBoard.Entry)
    /// Replay is over; `replayed` history events came before; `cursor` is where live begins.
    case live(replayed: Int, cursor: String? = nil)
    /// Everything before `cursor` has been delivered: a reconnect resumes there.
    case checkpoint(cursor: String)
    /// The resume cursor was older than Kafka's retention: `missed` records are gone.
    case gap(missed: Int64)
    /// The server dropped `count` events for us (we were too slow): live counts miss them.
    case dropped(count: Int)
    case error(code: String, message: String)
    /// A control frame of a kind this build does not know (ignored, not an error).
    case otherControl(kind: String)
    /// Neither an event nor a control frame; `reason` says why.
    case undecodable(reason: String)
}
