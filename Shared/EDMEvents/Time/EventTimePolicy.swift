import EDMCore
import Foundation

/// Which clock places an event in time (stats' buckets, alerts' windows).
///
/// `occurredAt` (the client's clock) is what a chart of visitor activity wants, but clients'
/// clocks are wrong sometimes, and a batch sent hours later would rewrite old buckets. So
/// `occurredAt` is used only when it lies within [receivedAt - 7 days, receivedAt + 5 minutes];
/// otherwise the relay's `receivedAt` is used. The API documents this as its time basis.
public struct EventTimePolicy: Sendable, Hashable {
    public var maximumAge: Duration
    public var maximumLead: Duration

    public init(maximumAge: Duration = .seconds(7 * 86_400), maximumLead: Duration = .seconds(300)) {
        self.maximumAge = maximumAge
        self.maximumLead = maximumLead
    }

    public static let standard = EventTimePolicy()

    public func bucketTime(occurredAt: Date, receivedAt: Date) -> Date {
        let earliest = receivedAt.addingTimeInterval(-Self.seconds(maximumAge))
        let latest = receivedAt.addingTimeInterval(Self.seconds(maximumLead))
        return (earliest...latest).contains(occurredAt) ? occurredAt : receivedAt
    }

    /// One sentence for API documents.
    public var summary: String {
        "Events are placed in time buckets by occurredAt (the client's clock) when it lies within "
            + "[receivedAt - \(Self.describe(maximumAge)), receivedAt + \(Self.describe(maximumLead))], "
            + "otherwise by receivedAt (the relay's clock). Buckets are UTC and aligned to the Unix epoch."
    }

    public static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }

    private static func describe(_ duration: Duration) -> String {
        let seconds = Int(self.seconds(duration))
        if seconds % 86_400 == 0 { return "\(seconds / 86_400) days" }
        if seconds % 3600 == 0 { return "\(seconds / 3600) hours" }
        if seconds % 60 == 0 { return "\(seconds / 60) minutes" }
        return "\(seconds) seconds"
    }
}
