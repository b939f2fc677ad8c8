import Foundation
import OpenAPIKit

/// `GET /v1/stats/types`: every event type stats knows (the built-in ones, each type registered
/// at runtime, and any type it counted events of), with its totals. The dashboard draws a totals
/// and a rate line for each.
public struct TypesView: StatsDocument {
    public struct TypeTotals: Codable, Sendable, Equatable {
        public var type: String
        /// True for click and pageload (and the other kinds built into this release); false for
        /// types registered at runtime (`POST /v1/schemas/{type}` on the relay).
        public var builtIn: Bool
        public var count: Int64
        public var lastEventAt: Date?
        public var lastReceivedAt: Date?
        /// The fields `GET /v1/stats/types/{type}` counts events by (the registered current
        /// version's `countBy`; empty for built-in types).
        public var countBy: [String]

        public init(
            type: String, builtIn: Bool, count: Int64, lastEventAt: Date? = nil, lastReceivedAt: Date? = nil,
            countBy: [String] = []
        ) {
            self.type = type
            self.builtIn = builtIn
            self.count = count
            self.lastEventAt = lastEventAt
            self.lastReceivedAt = lastReceivedAt
            self.countBy = countBy
        }

        static let schema = StatsSchema.closedObject(
            nil,
            [
                "type": .string,
                "builtIn": .boolean,
                "count": StatsSchema.count(),
                "lastEventAt": StatsSchema.timestamp(required: false, "Latest bucket time of an event of this type."),
                "lastReceivedAt": StatsSchema.timestamp(required: false, "Latest receivedAt of an event of this type."),
                "countBy": .array(items: .string),
            ])
    }

    /// Built-in types first, then the rest by name.
    public var types: [TypeTotals]

    public init(types: [TypeTotals]) {
        self.types = types
    }

    public static let schemaName = "Types"
    public static let schema = StatsSchema.closedObject(
        "Every event type stats knows, built-in and registered, with totals (zero before its first event).",
        ["types": .array(items: TypeTotals.schema)])
}
