import EDMEvents
import Foundation

/// The widths of the time buckets stats keeps, named as the API spells them. Buckets are
/// aligned to the Unix epoch, so they start on UTC minute, hour and day boundaries.
public enum BucketWidth: String, Sendable, CaseIterable, Codable {
    case tenSeconds = "10s"
    case minute = "1m"
    case hour = "1h"
    case day = "1d"

    public var seconds: Int32 {
        switch self {
        case .tenSeconds: 10
        case .minute: 60
        case .hour: 3600
        case .day: 86_400
        }
    }

    public init?(seconds: Int32) {
        guard let width = Self.allCases.first(where: { $0.seconds == seconds }) else { return nil }
        self = width
    }

    /// The start of the bucket holding `date` (floor, also before 1970).
    public func start(of date: Date) -> Date {
        // Whole milliseconds first: a Date's binary fraction may sit a hair below a boundary.
        EventTimestamp.date(fromMilliseconds: start(ofMilliseconds: EventTimestamp.milliseconds(from: date)))
    }

    /// The same in milliseconds since 1970.
    func start(ofMilliseconds milliseconds: Int64) -> Int64 {
        let width = Int64(seconds) * 1000
        let remainder = milliseconds % width
        return milliseconds - (remainder < 0 ? remainder + width : remainder)
    }
}

extension BucketWidth {
    /// Whether this width has rows of its own in the bucket tables; 10 s and 1m are read from
    /// the minute rows (six 10-second counts per key and minute, see migration 5).
    var isStoredAsBucket: Bool { self == .hour || self == .day }
}
