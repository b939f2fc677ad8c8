import EDMEvents
import Foundation

/// A validated `GET /v1/stats/types/{type}` request: the type as given (whether it is known is
/// the database's and the registry's answer), its time range and how many values per field.
public struct TypeStatsQuery: Sendable, Equatable {
    public static let defaultBucket = BucketWidth.minute

    public var type: String
    public var range: TimeseriesQuery
    /// Values listed per `countBy` field, most counted first.
    public var limit: Int

    /// Parses `bucket` (default 1m), `from`, `to` (as `/v1/stats/timeseries`) and `limit`.
    static func parse(type: String, _ pairs: [(String, String)], now: Date) throws(APIParameterError) -> TypeStatsQuery {
        let parameters = try QueryParameters(pairs, allowed: ["bucket", "from", "to", "limit"])
        let widths = BucketWidth.allCases.map(\.rawValue).joined(separator: ", ")
        var bucket = defaultBucket
        if let name = parameters["bucket"] {
            guard let width = BucketWidth(rawValue: name) else {
                throw APIParameterError(parameter: "bucket", message: "must be one of \(widths)")
            }
            bucket = width
        }
        let limit = try parameters.integer("limit", default: StatsRoutes.defaultLimit, range: 1...StatsRoutes.maximumLimit)
        let range = try TimeseriesQuery(
            type: type, buttonId: nil, bucket: bucket, from: try parameters.timestamp("from"),
            to: try parameters.timestamp("to"), now: now)
        return TypeStatsQuery(type: type, range: range, limit: limit)
    }
}
