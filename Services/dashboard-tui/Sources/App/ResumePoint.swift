import Foundation

/// Where the stream should start for the current history: its generation and stats' cursor
/// (nil before any history, or from a stats without cursors: live only).
public struct ResumePoint: Sendable, Equatable {
    public var generation: Int
    public var cursor: String?

    public init(generation: Int, cursor: String?) {
        self.generation = generation
        self.cursor = cursor
    }
}

/// The resume point, published by the main loop when a history arrives and read by the stream
/// client before each connection; `changed` wakes the client to move to the new history.
public final class ResumePointBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ResumePoint(generation: 0, cursor: nil)
    let changed = WakeSignal()

    public init() {}

    public func update(_ point: ResumePoint) {
        lock.withLock { value = point }
        changed.signal()
    }

    public var current: ResumePoint { lock.withLock { value } }
}
