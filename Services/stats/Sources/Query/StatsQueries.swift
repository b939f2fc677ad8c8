import EDMEvents
import EDMPostgres
import EDMRegistry
import EDMStatsAPI
import Foundation

/// The read side: what the API serves, straight from the aggregate tables.
public struct StatsQueries: Sendable {
    let pool: PostgresPool
    let registry: EventRegistry
    let policy: EventTimePolicy
    /// Types registered at runtime (listed by `/v1/stats/types` before their first event).
    let registered: SchemaRegistry?

    public init(
        pool: PostgresPool, registry: EventRegistry = .standard, registered: SchemaRegistry? = nil,
        policy: EventTimePolicy = .standard
    ) {
        self.pool = pool
        self.registry = registry
        self.registered = registered
        self.policy = policy
    }

    public func summary() async throws -> SummaryView {
        // One statement, so one snapshot: the totals and the stored positions are read together,
        // and the cursor names exactly the events the totals include (they are committed in one
        // transaction by the ingest).
        let rows = try await pool.query(
            """
            SELECT 0 AS kind, event_type AS name, NULL::int4 AS partition, count, last_event_at, last_received_at
              FROM stats_event_totals
            UNION ALL SELECT 1, reason, NULL, count, NULL, NULL FROM stats_skipped_messages
            UNION ALL SELECT 2, topic, partition, next_offset, NULL, NULL FROM stats_partition_offsets
            """)
        var types: [String: SummaryView.TypeTotal] = [:]
        for name in registry.typeNames {
            types[name] = SummaryView.TypeTotal(count: 0, lastEventAt: nil, lastReceivedAt: nil)
        }
        var skippedMessages: [String: Int64] = [:]
        var cursor = StreamCursor()
        for row in rows {
            let name = try row.decode(String.self, at: 1)
            let count = try row.decode(Int64.self, at: 3)
            switch try row.decode(Int32.self, at: 0) {
            case 0:
                types[name] = SummaryView.TypeTotal(
                    count: count, lastEventAt: try row.decode(Date?.self, at: 4),
                    lastReceivedAt: try row.decode(Date?.self, at: 5))
            case 1: skippedMessages[name] = count
            default: cursor.set(topic: name, partition: try row.decode(Int32.self, at: 2), nextOffset: count)
            }
        }
        return SummaryView(
            totalEvents: types.values.reduce(0) { $0 + $1.count },
            types: types,
            lastEventAt: types.values.compactMap(\.lastEventAt).max(),
            lastReceivedAt: types.values.compactMap(\.lastReceivedAt).max(),
            skippedMessages: skippedMessages,
            timeBasis: policy.summary,
            cursor: cursor.encoded)
    }

    /// The summary's cursor on its own (same snapshot rule: one statement).
    public func cursor() async throws -> CursorView {
        let summary = try await summary()
        let cursor = try StreamCursor(parsing: summary.cursor ?? StreamCursor().encoded)
        let positions = cursor.positions.sorted { $0.key < $1.key }.flatMap { topic, partitions in
            partitions.sorted { $0.key < $1.key }.map { CursorView.Position(topic: topic, partition: $0.key, nextOffset: $0.value) }
        }
        return CursorView(cursor: cursor.encoded, positions: positions, totalEvents: summary.totalEvents)
    }

    public func clicks(limit: Int) async throws -> ClicksView {
        // Window totals are computed before LIMIT, so they cover every button.
        let rows = try await pool.query(
            """
            SELECT b.button_id, b.count, b.last_click_at, sum(b.count) OVER ()::int8 AS total, count(*) OVER () AS buttons
            FROM stats_button_clicks AS b ORDER BY b.count DESC, b.button_id LIMIT $1
            """, [limit])
        let buttons = try rows.map { row in
            ClicksView.Button(
                buttonId: try row.decode(String.self, at: 0), clicks: try row.decode(Int64.self, at: 1),
                lastClickAt: try row.decode(Date.self, at: 2))
        }
        return ClicksView(
            buttons: buttons,
            totalClicks: try rows.first?.decode(Int64.self, at: 3) ?? 0,
            distinctButtons: try rows.first?.decode(Int64.self, at: 4) ?? 0,
            limit: limit)
    }

    public func pageLoads(limit: Int) async throws -> PageLoadsView {
        var byDevice = Dictionary(uniqueKeysWithValues: DeviceType.allCases.map { ($0.rawValue, Int64(0)) })
        for row in try await pool.query("SELECT device_type, count FROM stats_pageloads_by_device") {
            byDevice[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
        }
        let rows = try await pool.query(
            """
            SELECT u.url, u.count, count(*) OVER () AS urls FROM stats_pageloads_by_url AS u
            ORDER BY u.count DESC, u.url LIMIT $1
            """, [limit])
        let urls = try rows.map { row in
            PageLoadsView.URLCount(url: try row.decode(String.self, at: 0), pageLoads: try row.decode(Int64.self, at: 1))
        }
        return PageLoadsView(
            totalPageLoads: byDevice.values.reduce(0, +), byDeviceType: byDevice, byUrl: urls,
            distinctUrls: try rows.first?.decode(Int64.self, at: 2) ?? 0, limit: limit)
    }

    public func timeseries(_ query: TimeseriesQuery) async throws -> TimeseriesView {
        let series: Series = query.buttonId.map { .button($0) } ?? .type(query.type)
        let counts = try await bucketCounts(series, width: query.bucket, from: query.from, to: query.to)
        let points = query.bucketStarts.map { start in
            TimeseriesView.Point(start: start, count: counts[EventTimestamp.milliseconds(from: start)] ?? 0)
        }
        return TimeseriesView(
            type: query.type, buttonId: query.buttonId, bucket: query.bucket.apiBucket, from: query.from, to: query.to,
            points: points, total: points.reduce(0) { $0 + $1.count }, timeBasis: policy.summary)
    }

    /// All-time clicks per button, most clicked first, in the reference's shape; the `limit`
    /// most clicked only.
    public func legacyClickCount(limit: Int) async throws -> [LegacyClickCount] {
        try await pool.query("SELECT button_id, count FROM stats_button_clicks ORDER BY count DESC, button_id LIMIT $1", [limit])
            .map { LegacyClickCount(button_id: try $0.decode(String.self, at: 0), sum: String(try $0.decode(Int64.self, at: 1))) }
    }

    /// Clicks per UTC day, oldest first, in the reference's shape: the latest `limit` days.
    public func legacyClickHistory(limit: Int) async throws -> [LegacyClickDay] {
        try await pool.query(
            """
            SELECT bucket_start, count FROM (
                SELECT bucket_start, count FROM stats_type_buckets
                WHERE bucket_seconds = $1 AND event_type = $2 ORDER BY bucket_start DESC LIMIT $3) AS latest
            ORDER BY bucket_start
            """, [BucketWidth.day.seconds, ClickProperties.eventType, limit]
        ).map {
            LegacyClickDay(
                Day: EventTimestamp.string(from: try $0.decode(Date.self, at: 0)), clicks: String(try $0.decode(Int64.self, at: 1)))
        }
    }
}
