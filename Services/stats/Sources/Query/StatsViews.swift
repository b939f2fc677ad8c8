import Foundation

/// The documents the stats API returns. Counts are JSON integers; timestamps are RFC 3339 UTC
/// strings with milliseconds (encoded with `EventJSON.makeEncoder()`). Property names are
/// part of the API contract (and of `/openapi.json`): change them only with a new version.
public struct SummaryView: Codable, Sendable, Equatable {
    public struct TypeTotal: Codable, Sendable, Equatable {
        public var count: Int64
        /// The latest bucket time (see `timeBasis`) of an event of this type.
        public var lastEventAt: Date?
        /// The latest `receivedAt` of an event of this type.
        public var lastReceivedAt: Date?
    }

    public var totalEvents: Int64
    /// Every registered type, zero when none arrived yet.
    public var types: [String: TypeTotal]
    public var lastEventAt: Date?
    public var lastReceivedAt: Date?
    /// Messages on the topics that were not countable events, by reason.
    public var skippedMessages: [String: Int64]
    public var timeBasis: String
}

public struct ClicksView: Codable, Sendable, Equatable {
    public struct Button: Codable, Sendable, Equatable {
        public var buttonId: String
        public var clicks: Int64
        public var lastClickAt: Date
    }

    /// Most clicked first (ties by buttonId), at most `limit`.
    public var buttons: [Button]
    public var totalClicks: Int64
    public var distinctButtons: Int64
    public var limit: Int
}

public struct PageLoadsView: Codable, Sendable, Equatable {
    public struct URLCount: Codable, Sendable, Equatable {
        public var url: String
        public var pageLoads: Int64
    }

    public var totalPageLoads: Int64
    /// Every device type, zero when none arrived yet.
    public var byDeviceType: [String: Int64]
    /// Most loaded first (ties by url), at most `limit`.
    public var byUrl: [URLCount]
    public var distinctUrls: Int64
    public var limit: Int
}

public struct TimeseriesView: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var start: Date
        public var count: Int64
    }

    public var type: String
    public var buttonId: String?
    public var bucket: BucketWidth
    /// `from` aligned down to a bucket boundary; points cover [from, to).
    public var from: Date
    public var to: Date
    /// Every bucket in the range, zeros included, oldest first.
    public var points: [Point]
    public var total: Int64
    public var timeBasis: String
}

/// `GET /api/clickCount` of the reference stats service: counts as strings.
public struct LegacyClickCount: Codable, Sendable, Equatable {
    public var button_id: String
    public var sum: String
}

/// `GET /api/clickHistory` of the reference stats service: days as ISO UTC midnight.
public struct LegacyClickDay: Codable, Sendable, Equatable {
    public var Day: String
    public var clicks: String
}
