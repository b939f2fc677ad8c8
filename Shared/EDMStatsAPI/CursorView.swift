import Foundation
import OpenAPIKit

/// `GET /v1/stats/cursor`: how far stats has counted, as the stream's resume cursor and spelled
/// out per partition. "The totals include exactly every event before this cursor": a reader
/// that adds the events the stream delivers with `resume=<cursor>` counts each event once.
public struct CursorView: StatsDocument {
    public struct Position: Codable, Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        /// The next offset stats will count in this partition.
        public var nextOffset: Int64

        public init(topic: String, partition: Int32, nextOffset: Int64) {
            self.topic = topic
            self.partition = partition
            self.nextOffset = nextOffset
        }

        static let schema = StatsSchema.closedObject(
            nil,
            [
                "topic": .string,
                "partition": .integer(format: .int32, minimum: (0, exclusive: false)),
                "nextOffset": .integer(format: .int64, minimum: (0, exclusive: false)),
            ])
    }

    /// The opaque cursor (`c1.<base64url>`) the stream's `resume=` takes.
    public var cursor: String
    /// The same positions, readable; topics and partitions in ascending order.
    public var positions: [Position]
    /// Events counted so far (all types): what the cursor's totals add up to.
    public var totalEvents: Int64

    public init(cursor: String, positions: [Position], totalEvents: Int64) {
        self.cursor = cursor
        self.positions = positions
        self.totalEvents = totalEvents
    }

    public static let schemaName = "Cursor"
    public static let schema = StatsSchema.closedObject(
        "How far stats has counted: every event before the cursor is in the totals, none after it.",
        [
            "cursor": .string(description: "Opaque resume cursor for the stream's resume= parameter."),
            "positions": .array(items: Position.schema),
            "totalEvents": StatsSchema.count(),
        ])
}
