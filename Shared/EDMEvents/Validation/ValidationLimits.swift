import Foundation

/// The limits that depend on deployment rather than on the event format.
public struct ValidationLimits: Sendable, Hashable {
    /// `occurredAt` before this is a broken client clock or a unit mistake (seconds for ms).
    public var earliestOccurredAt: Date
    /// How far `occurredAt` may lie ahead of `receivedAt`. Client clocks drift and time zones get
    /// mangled, so the default is generous (24 h); anything beyond would distort per-day counts.
    public var maxFutureSkew: TimeInterval
    /// The largest single event accepted, in bytes of JSON input. Keeps one event well below
    /// Kafka's default 1 MB message limit whatever a legacy client packs into extras.
    public var maxEventBytes: Int

    public init(
        earliestOccurredAt: Date = Date(timeIntervalSince1970: 946_684_800),
        maxFutureSkew: TimeInterval = 86_400, maxEventBytes: Int = 65_536
    ) {
        self.earliestOccurredAt = earliestOccurredAt
        self.maxFutureSkew = maxFutureSkew
        self.maxEventBytes = maxEventBytes
    }

    public static let `default` = ValidationLimits()

    /// The violation, if any, for an event time outside the window around `receivedAt`.
    func timeViolation(occurredAt: Date, receivedAt: Date, path: String) -> Violation? {
        if occurredAt < earliestOccurredAt {
            return Violation(
                path: path, code: .outOfRange,
                message: "must not be before \(EventTimestamp.string(from: earliestOccurredAt))")
        }
        if occurredAt.timeIntervalSince(receivedAt) > maxFutureSkew {
            return Violation(
                path: path, code: .outOfRange,
                message: "is more than \(Int(maxFutureSkew)) s ahead of the relay's clock "
                    + "(\(EventTimestamp.string(from: receivedAt))); check the client's clock")
        }
        return nil
    }
}
