import EDMEvents
import EDMKafka
import EDMPostgres
import Foundation
@testable import StatsService

/// Every aggregate table read in full, for exact comparisons with ``ExpectedStats``.
struct StatsSnapshot: Sendable, Equatable {
    struct Bucket: Hashable, Sendable, CustomStringConvertible {
        var seconds: Int32
        var key: String
        var startMilliseconds: Int64
        var description: String { "\(seconds)s/\(key)/\(startMilliseconds)" }
    }

    var totals: [String: Int64] = [:]
    var buttons: [String: Int64] = [:]
    var devices: [String: Int64] = [:]
    var urls: [String: Int64] = [:]
    var typeBuckets: [Bucket: Int64] = [:]
    var buttonBuckets: [Bucket: Int64] = [:]
    var skipped: [String: Int64] = [:]
    var seenEvents: Int64 = 0
    var offsets: [TopicPartition: Int64] = [:]

    var totalEvents: Int64 { totals.values.reduce(0, +) }

    /// The aggregates only (what must equal the expectation exactly).
    var aggregates: ExpectedStats {
        ExpectedStats(
            totals: totals, buttons: buttons, devices: devices, urls: urls, typeBuckets: typeBuckets,
            buttonBuckets: buttonBuckets)
    }

    static func read(_ pool: PostgresPool) async throws -> StatsSnapshot {
        var snapshot = StatsSnapshot()
        // One snapshot of every table, so a commit in between cannot tear the picture.
        try await pool.transaction(isolationLevel: .repeatableRead) { transaction in
            snapshot.totals = try await pairs(transaction, "SELECT event_type, count FROM stats_event_totals")
            snapshot.buttons = try await pairs(transaction, "SELECT button_id, count FROM stats_button_clicks")
            snapshot.devices = try await pairs(transaction, "SELECT device_type, count FROM stats_pageloads_by_device")
            snapshot.urls = try await pairs(transaction, "SELECT url, count FROM stats_pageloads_by_url")
            snapshot.skipped = try await pairs(transaction, "SELECT reason, count FROM stats_skipped_messages")
            snapshot.typeBuckets = try await buckets(transaction, table: "stats_type", key: "event_type")
            snapshot.buttonBuckets = try await buckets(transaction, table: "stats_button", key: "button_id")
            snapshot.seenEvents = try await transaction.query("SELECT count(*) FROM stats_seen_events")[0].decode(Int64.self, at: 0)
            for row in try await transaction.query("SELECT topic, partition, next_offset FROM stats_partition_offsets") {
                snapshot.offsets[TopicPartition(topic: try row.decode(String.self, at: 0), partition: try row.decode(Int32.self, at: 1))] =
                    try row.decode(Int64.self, at: 2)
            }
        }
        return snapshot
    }

    private static func pairs(_ transaction: PostgresTransaction, _ sql: String) async throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for row in try await transaction.query(sql) {
            result[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
        }
        return result
    }

    private static func buckets(_ transaction: PostgresTransaction, table: String, key: String) async throws -> [Bucket: Int64] {
        var result: [Bucket: Int64] = [:]
        // Every width in one shape: the 1h and 1d rows, and the minute rows as their 10-second
        // buckets (those with events) and as a 1m bucket.
        let sql = """
            SELECT bucket_seconds, \(key), bucket_start, count FROM \(table)_buckets
            UNION ALL
            SELECT 10, \(key), minute_start + make_interval(secs => 10 * i), (ARRAY[s0, s1, s2, s3, s4, s5])[i + 1]
            FROM \(table)_minutes, generate_series(0, 5) AS i WHERE (ARRAY[s0, s1, s2, s3, s4, s5])[i + 1] <> 0
            UNION ALL
            SELECT 60, \(key), minute_start, s0 + s1 + s2 + s3 + s4 + s5 FROM \(table)_minutes
            """
        for row in try await transaction.query(sql) {
            let bucket = Bucket(
                seconds: try row.decode(Int32.self, at: 0), key: try row.decode(String.self, at: 1),
                startMilliseconds: EventTimestamp.milliseconds(from: try row.decode(Date.self, at: 2)))
            result[bucket] = try row.decode(Int64.self, at: 3)
        }
        return result
    }
}

/// What the aggregates must hold after a stream, computed here with plain loops (not with the
/// service's own aggregation code) from the events that should count once each.
struct ExpectedStats: Sendable, Equatable {
    var totals: [String: Int64] = [:]
    var buttons: [String: Int64] = [:]
    var devices: [String: Int64] = [:]
    var urls: [String: Int64] = [:]
    var typeBuckets: [StatsSnapshot.Bucket: Int64] = [:]
    var buttonBuckets: [StatsSnapshot.Bucket: Int64] = [:]

    static let widths: [Int64] = [10, 60, 3600, 86_400]

    /// `events` may contain repeated ids: only the first of each counts.
    init(counting events: [EventEnvelope]) {
        var seen = Set<UUID>()
        for event in events where seen.insert(event.id).inserted {
            totals[event.type, default: 0] += 1
            let time = Self.bucketMilliseconds(event)
            for width in Self.widths {
                let start = time - time % (width * 1000)
                typeBuckets[StatsSnapshot.Bucket(seconds: Int32(width), key: event.type, startMilliseconds: start), default: 0] += 1
            }
            if let click = event.properties(as: ClickProperties.self) {
                buttons[click.buttonId, default: 0] += 1
                for width in Self.widths {
                    let start = time - time % (width * 1000)
                    buttonBuckets[StatsSnapshot.Bucket(seconds: Int32(width), key: click.buttonId, startMilliseconds: start), default: 0] += 1
                }
            }
            if let pageLoad = event.properties(as: PageLoadProperties.self) {
                devices[pageLoad.deviceType.rawValue, default: 0] += 1
                urls[pageLoad.url, default: 0] += 1
            }
        }
    }

    init(
        totals: [String: Int64], buttons: [String: Int64], devices: [String: Int64], urls: [String: Int64],
        typeBuckets: [StatsSnapshot.Bucket: Int64], buttonBuckets: [StatsSnapshot.Bucket: Int64]
    ) {
        self.totals = totals
        self.buttons = buttons
        self.devices = devices
        self.urls = urls
        self.typeBuckets = typeBuckets
        self.buttonBuckets = buttonBuckets
    }

    /// The documented rule: occurredAt within [receivedAt - 7 d, receivedAt + 5 min], else receivedAt.
    static func bucketMilliseconds(_ event: EventEnvelope) -> Int64 {
        let occurred = EventTimestamp.milliseconds(from: event.occurredAt)
        let received = EventTimestamp.milliseconds(from: event.receivedAt)
        let sane = occurred >= received - 7 * 86_400_000 && occurred <= received + 300_000
        return sane ? occurred : received
    }
}
