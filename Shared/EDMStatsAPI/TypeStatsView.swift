import Foundation
import OpenAPIKit

/// `GET /v1/stats/types/{type}`: one type's totals, its counts per time bucket and, for a
/// registered type, its counts per value of each `countBy` field.
public struct TypeStatsView: StatsDocument {
    public struct ValueCount: Codable, Sendable, Equatable {
        public var value: String
        public var count: Int64

        public init(value: String, count: Int64) {
            self.value = value
            self.count = count
        }

        static let schema = StatsSchema.closedObject(nil, ["value": .string, "count": StatsSchema.count()])
    }

    public struct FieldCounts: Codable, Sendable, Equatable {
        public var field: String
        /// Most counted first, at most `limit`.
        public var values: [ValueCount]
        /// Distinct values stored for the field (`(other)` included when present).
        public var distinctValues: Int64
        /// Events that had the field (the sum over every value, listed or not).
        public var total: Int64

        public init(field: String, values: [ValueCount], distinctValues: Int64, total: Int64) {
            self.field = field
            self.values = values
            self.distinctValues = distinctValues
            self.total = total
        }

        static let schema = StatsSchema.closedObject(
            nil,
            [
                "field": .string,
                "values": .array(items: ValueCount.schema),
                "distinctValues": StatsSchema.count(),
                "total": StatsSchema.count(),
            ])
    }

    public var type: String
    public var builtIn: Bool
    public var count: Int64
    public var lastEventAt: Date?
    public var lastReceivedAt: Date?
    /// One entry per `countBy` field (of the current version, and any older version's field
    /// that has counts), by field name.
    public var countBy: [FieldCounts]
    public var bucket: TimeseriesBucket
    public var from: Date
    public var to: Date
    /// Every bucket in [from, to), zeros included, oldest first.
    public var points: [TimeseriesView.Point]
    public var timeBasis: String

    public init(
        type: String, builtIn: Bool, count: Int64, lastEventAt: Date? = nil, lastReceivedAt: Date? = nil,
        countBy: [FieldCounts], bucket: TimeseriesBucket, from: Date, to: Date, points: [TimeseriesView.Point],
        timeBasis: String = ""
    ) {
        self.type = type
        self.builtIn = builtIn
        self.count = count
        self.lastEventAt = lastEventAt
        self.lastReceivedAt = lastReceivedAt
        self.countBy = countBy
        self.bucket = bucket
        self.from = from
        self.to = to
        self.points = points
        self.timeBasis = timeBasis
    }

    public static let schemaName = "TypeStats"
    public static var schema: JSONSchema {
        StatsSchema.closedObject(
            "One type's totals, counts per bucket over [from, to) and counts per value of each countBy field. "
                + "Values beyond the first 1,000 distinct ones of a field are counted under \"(other)\"; "
                + "values longer than 200 characters by their first 200.",
            [
                "type": .string,
                "builtIn": .boolean,
                "count": StatsSchema.count(),
                "lastEventAt": StatsSchema.timestamp(required: false),
                "lastReceivedAt": StatsSchema.timestamp(required: false),
                "countBy": .array(items: FieldCounts.schema),
                "bucket": TimeseriesBucket.schema(),
                "from": StatsSchema.timestamp(),
                "to": StatsSchema.timestamp(),
                "points": .array(items: TimeseriesView.Point.schema),
                "timeBasis": .string,
            ])
    }
}
