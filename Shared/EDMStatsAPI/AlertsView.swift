import EDMEvents
import Foundation
import OpenAPIKit

/// `GET /v1/alerts?limit=N`: the most recent alerts the alerts service published on
/// `edm-alerts`, newest first (by the alerts service's clock), each id once.
public struct AlertsView: StatsDocument {
    public struct Alert: Codable, Sendable, Equatable {
        /// The alert event's id (lowercase UUID): derived from rule, key, window, level and resolved.
        public var id: String
        public var rule: String
        public var key: String
        public var level: AlertLevel
        public var resolved: Bool
        public var windowStart: Date
        public var windowEnd: Date
        public var count: Int64
        public var threshold: Int64
        /// When the alerts service decided it.
        public var receivedAt: Date

        public init(envelope: EventEnvelope, properties: AlertProperties) {
            id = envelope.id.uuidString.lowercased()
            rule = properties.rule
            key = properties.key
            level = properties.level
            resolved = properties.resolved
            windowStart = properties.windowStart
            windowEnd = properties.windowEnd
            count = properties.count
            threshold = properties.threshold
            receivedAt = envelope.receivedAt
        }

        static let schema = StatsSchema.closedObject(
            nil,
            [
                "id": .string(format: .uuid), "rule": .string, "key": .string,
                "level": .string(allowedValues: AlertLevel.allCases.map { AnyCodable($0.rawValue) }),
                "resolved": .boolean, "windowStart": StatsSchema.timestamp(), "windowEnd": StatsSchema.timestamp(),
                "count": StatsSchema.count(), "threshold": StatsSchema.count(), "receivedAt": StatsSchema.timestamp(),
            ])
    }

    /// Newest first, at most `limit`.
    public var alerts: [Alert]
    public var limit: Int
    /// How many alerts stats keeps in memory (the most `limit` can return).
    public var capacity: Int

    public init(alerts: [Alert], limit: Int, capacity: Int) {
        self.alerts = alerts
        self.limit = limit
        self.capacity = capacity
    }

    public static let schemaName = "Alerts"
    public static let schema = StatsSchema.closedObject(
        "Recent alerts from edm-alerts, newest first, each id once.",
        [
            "alerts": .array(items: Alert.schema),
            "limit": .integer(minimum: (1, exclusive: false)),
            "capacity": .integer(minimum: (0, exclusive: false)),
        ])
}
