import Foundation
import OpenAPIKit

/// `GET /v1/stats/summary`: totals per event type, last event times and skipped messages.
public struct SummaryView: StatsDocument {
    public struct TypeTotal: Codable, Sendable, Equatable {
        public var count: Int64
        /// The latest bucket time (see `timeBasis`) of an event of this type.
        public var lastEventAt: Date?
        /// The latest `receivedAt` of an event of this type (how fresh the totals are; readers
        /// that merge live events use the summary's `cursor`, not this time).
        public var lastReceivedAt: Date?

        public init(count: Int64, lastEventAt: Date? = nil, lastReceivedAt: Date? = nil) {
            self.count = count
            self.lastEventAt = lastEventAt
            self.lastReceivedAt = lastReceivedAt
        }

        static let schema = StatsSchema.closedObject(
            nil,
            [
                "count": StatsSchema.count(),
                "lastEventAt": StatsSchema.timestamp(required: false, "Latest bucket time of an event of this type."),
                "lastReceivedAt": StatsSchema.timestamp(required: false, "Latest receivedAt of an event of this type."),
            ])
    }

    public var totalEvents: Int64
    /// Every registered type, zero when none arrived yet.
    public var types: [String: TypeTotal]
    public var lastEventAt: Date?
    public var lastReceivedAt: Date?
    /// Messages on the topics that were not countable events, by reason.
    public var skippedMessages: [String: Int64]
    public var timeBasis: String
    /// Stats' stored positions as a cursor (`StreamCursor`): these totals include exactly every
    /// event before it.
    public var cursor: String?

    public init(
        totalEvents: Int64, types: [String: TypeTotal], lastEventAt: Date? = nil, lastReceivedAt: Date? = nil,
        skippedMessages: [String: Int64] = [:], timeBasis: String = "", cursor: String? = nil
    ) {
        self.totalEvents = totalEvents
        self.types = types
        self.lastEventAt = lastEventAt
        self.lastReceivedAt = lastReceivedAt
        self.skippedMessages = skippedMessages
        self.timeBasis = timeBasis
        self.cursor = cursor
    }

    public static let schemaName = "Summary"
    public static let schema = StatsSchema.closedObject(
        "Totals per event type, last event times and skipped messages.",
        [
            "totalEvents": StatsSchema.count(),
            "types": StatsSchema.map("Every registered event type, zero when none arrived yet.", of: TypeTotal.schema),
            "lastEventAt": StatsSchema.timestamp(required: false),
            "lastReceivedAt": StatsSchema.timestamp(required: false),
            "skippedMessages": StatsSchema.map(
                "Messages on the topics that were not countable events, by reason "
                    + "(malformed_json, invalid_event, unknown_type, ...).",
                of: StatsSchema.count()),
            "timeBasis": .string,
            "cursor": .string(
                required: false,
                description: "Stats' positions in the log (next offset per topic-partition) as an opaque cursor "
                    + "(c1.<base64url>): these totals include exactly every event before it."),
        ])
}
