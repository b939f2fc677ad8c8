import EDMEvents
import Foundation
import OpenAPIKit

/// `GET /v1/stats/timeseries`: counts per time bucket, every bucket of the range included.
public struct TimeseriesView: StatsDocument {
    public struct Point: Codable, Sendable, Equatable {
        public var start: Date
        public var count: Int64

        public init(start: Date, count: Int64) {
            self.start = start
            self.count = count
        }

        static let schema = StatsSchema.closedObject(nil, ["start": StatsSchema.timestamp(), "count": StatsSchema.count()])
    }

    public var type: String
    public var buttonId: String?
    public var bucket: TimeseriesBucket
    /// `from` aligned down to a bucket boundary; points cover [from, to).
    public var from: Date
    public var to: Date
    /// Every bucket in the range, zeros included, oldest first.
    public var points: [Point]
    public var total: Int64
    public var timeBasis: String

    public init(
        type: String, buttonId: String? = nil, bucket: TimeseriesBucket, from: Date, to: Date, points: [Point],
        total: Int64? = nil, timeBasis: String = ""
    ) {
        self.type = type
        self.buttonId = buttonId
        self.bucket = bucket
        self.from = from
        self.to = to
        self.points = points
        self.total = total ?? points.reduce(0) { $0 + $1.count }
        self.timeBasis = timeBasis
    }

    public static let schemaName = "Timeseries"
    public static var schema: JSONSchema {
        StatsSchema.closedObject(
            "Counts per bucket over [from, to), every bucket included (zeros too), oldest first.",
            [
                "type": .string(allowedValues: EventRegistry.standard.typeNames.map { AnyCodable($0) }),
                "buttonId": .string(required: false),
                "bucket": TimeseriesBucket.schema(),
                "from": StatsSchema.timestamp(),
                "to": StatsSchema.timestamp(),
                "points": .array(items: Point.schema),
                "total": StatsSchema.count(),
                "timeBasis": .string,
            ])
    }
}

/// The bucket widths the API names (`bucket=` and the response's `bucket`). Stats' own
/// `BucketWidth` carries the arithmetic; a test keeps the two lists equal.
public enum TimeseriesBucket: String, Codable, Sendable, CaseIterable {
    case tenSeconds = "10s"
    case minute = "1m"
    case hour = "1h"
    case day = "1d"

    /// A string from this list.
    public static func schema(required: Bool = true, description: String? = nil) -> JSONSchema {
        .string(required: required, description: description, allowedValues: allCases.map { AnyCodable($0.rawValue) })
    }
}
