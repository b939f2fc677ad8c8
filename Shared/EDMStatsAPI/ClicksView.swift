import Foundation
import OpenAPIKit

/// `GET /v1/stats/clicks?limit=N`: clicks per button, most clicked first.
public struct ClicksView: StatsDocument {
    public struct Button: Codable, Sendable, Equatable {
        public var buttonId: String
        public var clicks: Int64
        public var lastClickAt: Date

        public init(buttonId: String, clicks: Int64, lastClickAt: Date) {
            self.buttonId = buttonId
            self.clicks = clicks
            self.lastClickAt = lastClickAt
        }

        static let schema = StatsSchema.closedObject(
            nil, ["buttonId": .string, "clicks": StatsSchema.count(), "lastClickAt": StatsSchema.timestamp()])
    }

    /// Most clicked first (ties by buttonId), at most `limit`.
    public var buttons: [Button]
    /// Over every button, not only the listed ones.
    public var totalClicks: Int64
    public var distinctButtons: Int64
    public var limit: Int

    public init(buttons: [Button], totalClicks: Int64, distinctButtons: Int64, limit: Int) {
        self.buttons = buttons
        self.totalClicks = totalClicks
        self.distinctButtons = distinctButtons
        self.limit = limit
    }

    public static let schemaName = "Clicks"
    public static let schema = StatsSchema.closedObject(
        "Clicks per button, most clicked first (ties by buttonId).",
        [
            "buttons": .array(items: Button.schema),
            "totalClicks": StatsSchema.count("Over every button, not only the listed ones."),
            "distinctButtons": StatsSchema.count(),
            "limit": .integer(minimum: (1, exclusive: false)),
        ])
}
