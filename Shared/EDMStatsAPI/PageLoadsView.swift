import EDMEvents
import Foundation
import OpenAPIKit

/// `GET /v1/stats/pageloads?limit=N`: page loads per device type and per URL.
public struct PageLoadsView: StatsDocument {
    public struct URLCount: Codable, Sendable, Equatable {
        public var url: String
        public var pageLoads: Int64

        public init(url: String, pageLoads: Int64) {
            self.url = url
            self.pageLoads = pageLoads
        }

        static let schema = StatsSchema.closedObject(nil, ["url": .string, "pageLoads": StatsSchema.count()])
    }

    public var totalPageLoads: Int64
    /// Every device type, zero when none arrived yet.
    public var byDeviceType: [String: Int64]
    /// Most loaded first (ties by url), at most `limit`.
    public var byUrl: [URLCount]
    public var distinctUrls: Int64
    public var limit: Int

    public init(totalPageLoads: Int64, byDeviceType: [String: Int64], byUrl: [URLCount], distinctUrls: Int64, limit: Int) {
        self.totalPageLoads = totalPageLoads
        self.byDeviceType = byDeviceType
        self.byUrl = byUrl
        self.distinctUrls = distinctUrls
        self.limit = limit
    }

    public static let schemaName = "PageLoads"
    public static let schema = StatsSchema.closedObject(
        "Page loads per device type and per URL (URLs most loaded first, ties by url).",
        [
            "totalPageLoads": StatsSchema.count(),
            "byDeviceType": StatsSchema.closedObject(
                "Every device type, zero when none arrived yet.",
                OrderedDictionary(DeviceType.allCases.map { ($0.rawValue, StatsSchema.count()) }, uniquingKeysWith: { first, _ in first })),
            "byUrl": .array(items: URLCount.schema),
            "distinctUrls": StatsSchema.count(),
            "limit": .integer(minimum: (1, exclusive: false)),
        ])
}
