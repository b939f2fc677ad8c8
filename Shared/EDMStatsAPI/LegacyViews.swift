import OpenAPIKit

/// One row of `GET /api/clickCount` in the reference stats service's shape: counts as strings.
public struct LegacyClickCount: Codable, Sendable, Equatable {
    public var button_id: String
    public var sum: String

    public init(button_id: String, sum: String) {
        self.button_id = button_id
        self.sum = sum
    }
}

/// One row of `GET /api/clickHistory` in the reference's shape: days as ISO UTC midnight.
public struct LegacyClickDay: Codable, Sendable, Equatable {
    public var Day: String
    public var clicks: String

    public init(Day: String, clicks: String) {
        self.Day = Day
        self.clicks = clicks
    }
}

/// `GET /api/clickCount`: all-time clicks per button, most clicked first.
public struct LegacyClickCounts: StatsDocument {
    public var rows: [LegacyClickCount]

    public init(_ rows: [LegacyClickCount]) { self.rows = rows }

    public init(from decoder: any Decoder) throws { rows = try [LegacyClickCount](from: decoder) }
    public func encode(to encoder: any Encoder) throws { try rows.encode(to: encoder) }

    public static let schemaName = "LegacyClickCounts"
    public static let schema = JSONSchema.array(
        description: "All-time clicks per button, most clicked first; counts are strings.",
        items: StatsSchema.closedObject(nil, ["button_id": .string, "sum": StatsSchema.legacyCount()]))
}

/// `GET /api/clickHistory`: clicks per UTC day, oldest first.
public struct LegacyClickHistory: StatsDocument {
    public var days: [LegacyClickDay]

    public init(_ days: [LegacyClickDay]) { self.days = days }

    public init(from decoder: any Decoder) throws { days = try [LegacyClickDay](from: decoder) }
    public func encode(to encoder: any Encoder) throws { try days.encode(to: encoder) }

    public static let schemaName = "LegacyClickHistory"
    public static let schema = JSONSchema.array(
        description: "Clicks per UTC day, oldest first; counts are strings.",
        items: StatsSchema.closedObject(
            nil, ["Day": StatsSchema.timestamp(required: true, "UTC midnight."), "clicks": StatsSchema.legacyCount()]))
}
