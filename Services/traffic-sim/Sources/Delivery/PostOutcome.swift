/// What became of one event posted to the relay.
public enum PostOutcome: Sendable, Equatable {
    /// 202: the broker acknowledged it.
    case accepted
    /// The relay answered with an error status that retrying will not fix (e.g. 400, 401, 413).
    case refused(status: Int, message: String)
    /// No usable answer after the allowed retries (relay down, 503s, timeouts).
    case failed(reason: String)
}
