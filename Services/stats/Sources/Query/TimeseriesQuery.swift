import EDMEvents
import Foundation

/// A validated `GET /v1/stats/timeseries` request: buckets of one width covering [from, to).
public struct TimeseriesQuery: Sendable, Equatable {
    /// The most buckets one response may hold (10,000 ten-second buckets is about 28 hours).
    public static let maximumPoints = 10_000
    /// Buckets returned when `from` is omitted.
    public static let defaultPoints = 60
    /// The longest `buttonId` filter: the relay's limit for the field.
    public static let maximumButtonIdLength = 200

    public var type: String
    public var buttonId: String?
    public var bucket: BucketWidth
    /// Aligned down to a bucket boundary.
    public var from: Date
    public var to: Date

    /// Checks the range and aligns `from`; the messages are the API's 400 texts.
    public init(type: String, buttonId: String?, bucket: BucketWidth, from: Date?, to: Date?, now: Date) throws(APIParameterError) {
        // Default end: just after the bucket holding `now`, so the current bucket is included.
        let end = to ?? bucket.start(of: now).addingTimeInterval(Double(bucket.seconds))
        let start = bucket.start(of: from ?? end.addingTimeInterval(-Double(bucket.seconds) * Double(Self.defaultPoints)))
        guard start < end else {
            throw APIParameterError(parameter: from == nil ? "to" : "from", message: "from must be before to")
        }
        let points = Int((end.timeIntervalSince(start) / Double(bucket.seconds)).rounded(.up))
        guard points <= Self.maximumPoints else {
            throw APIParameterError(
                parameter: "bucket",
                message: "the range holds \(points) buckets of \(bucket.rawValue); at most \(Self.maximumPoints) are "
                    + "allowed: use a wider bucket or a shorter range")
        }
        self.type = type
        self.buttonId = buttonId
        self.bucket = bucket
        self.from = start
        self.to = end
    }

    /// The start of every bucket in the range, oldest first.
    public var bucketStarts: [Date] {
        let step = Int64(bucket.seconds) * 1000
        let first = EventTimestamp.milliseconds(from: from)
        let end = EventTimestamp.milliseconds(from: to)
        return stride(from: first, to: end, by: Int(step)).map { EventTimestamp.date(fromMilliseconds: $0) }
    }
}

/// One bad query parameter, reported as a 400 naming it.
public struct APIParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    public var parameter: String
    public var message: String

    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { "\(parameter): \(message)" }
}
