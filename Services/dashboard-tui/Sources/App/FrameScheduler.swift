/// Coalesces redraws: however many messages arrive, a frame is drawn at most once per
/// `interval`, and a change is never left undrawn for longer than that (the ticker calls
/// ``due(at:)`` at the same pace). This is what keeps 5,000 events/s cheap.
public struct FrameScheduler: Sendable {
    public let interval: Duration
    private var lastFrame: ContinuousClock.Instant?
    private var dirty = true

    public init(framesPerSecond: Int) {
        interval = .nanoseconds(1_000_000_000 / Int64(max(1, framesPerSecond)))
    }

    public init(interval: Duration) {
        self.interval = interval
    }

    /// Counts a frame as drawn at `now` without drawing it: the first real frame then waits one
    /// interval (plain-text output should not print an empty frame before history arrives).
    public mutating func skipFrame(at now: ContinuousClock.Instant) {
        lastFrame = now
    }

    /// Something on screen may have changed.
    public mutating func invalidate() { dirty = true }

    /// Whether to draw now; if so, the frame counts as drawn.
    public mutating func due(at now: ContinuousClock.Instant) -> Bool {
        guard dirty else { return false }
        if let lastFrame, now - lastFrame < interval { return false }
        lastFrame = now
        dirty = false
        return true
    }
}
