import EDMEvents
import EDMPostgres
import Foundation
@testable import StatsService
import TestSupport
import Testing

@Suite("10-second counts stored six to a minute row")
struct MinuteRowTests {
    private static func bucket(_ width: BucketWidth, _ key: String, _ seconds: Int64) -> BatchAggregate.BucketKey {
        BatchAggregate.BucketKey(width: width, key: key, start: EventTimestamp.date(fromMilliseconds: seconds * 1000))
    }

    @Test("10-second buckets fold into one row per key and minute, in their slots; other widths are left out")
    func rowsFromBuckets() {
        let buckets: [(key: BatchAggregate.BucketKey, count: Int64)] = [
            (Self.bucket(.tenSeconds, "a", -70), 1),  // before 1970: minute -120, slot 5
            (Self.bucket(.tenSeconds, "a", 0), 2),
            (Self.bucket(.tenSeconds, "a", 50), 3),
            (Self.bucket(.tenSeconds, "a", 60), 4),
            (Self.bucket(.tenSeconds, "b", 10), 5),
            (Self.bucket(.minute, "a", 0), 5),
            (Self.bucket(.hour, "a", 0), 10),
        ]
        let rows = MinuteRow.rows(from: buckets)
        #expect(rows.map(\.key) == ["a", "a", "a", "b"])
        #expect(rows.map { EventTimestamp.milliseconds(from: $0.minuteStart) / 1000 } == [-120, 0, 60, 0])
        #expect(rows.map(\.counts) == [[0, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 3], [4, 0, 0, 0, 0, 0], [0, 5, 0, 0, 0, 0]])
        #expect(MinuteRow.columns(rows)[5] == [1, 3, 0, 0])
    }

    @Test("migration 5 moves stored 10 s and 1m buckets into minute rows without changing any series")
    func migrationKeepsSeries() async throws {
        let url = try await TestPostgres.freshDatabase()
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url), logger: quietLogger)
        try await Migrator(pool: pool, logger: quietLogger).apply(StatsMigrations.all.filter { $0.version < 5 })
        // 10-second buckets across a minute boundary and before 1970, with their 1m and 1h sums.
        for table in ["stats_type_buckets (bucket_seconds, event_type", "stats_button_buckets (bucket_seconds, button_id"] {
            let sql = """
                INSERT INTO \(table), bucket_start, count) VALUES
                    (10, 'k', to_timestamp(1714521600 + 10), 2), (10, 'k', to_timestamp(1714521600 + 50), 3),
                    (10, 'k', to_timestamp(1714521600 + 60), 4), (10, 'k', to_timestamp(-10), 7),
                    (60, 'k', to_timestamp(1714521600), 5), (60, 'k', to_timestamp(1714521600 + 60), 4),
                    (60, 'k', to_timestamp(-60), 7), (3600, 'k', to_timestamp(1714521600), 9), (3600, 'k', to_timestamp(-3600), 7)
                """
            _ = try await pool.execute(sql)
        }
        let before = try await StatsSnapshotBuckets.readStoredBuckets(pool)
        try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(10), logger: quietLogger)
        let after = try await StatsSnapshot.read(pool)
        #expect(after.typeBuckets == before.type)
        #expect(after.buttonBuckets == before.button)
        #expect(try await pool.query("SELECT count(*) FROM stats_button_buckets WHERE bucket_seconds IN (10, 60)")[0]
            .decode(Int64.self, at: 0) == 0)

        // The API's 10 s series from a start inside a minute, and its 1m series.
        let queries = StatsQueries(pool: pool)
        let minute = Date(timeIntervalSince1970: 1_714_521_600)
        let tens = try await queries.timeseries(TimeseriesQuery(
            type: "click", buttonId: "k", bucket: .tenSeconds, from: minute.addingTimeInterval(20),
            to: minute.addingTimeInterval(80), now: minute))
        #expect(tens.points.map(\.count) == [0, 0, 0, 3, 4, 0])
        let minutes = try await queries.timeseries(TimeseriesQuery(
            type: "k", buttonId: nil, bucket: .minute, from: minute, to: minute.addingTimeInterval(180), now: minute))
        #expect(minutes.points.map(\.count) == [5, 4, 0])
        await pool.close()
    }
}

/// The bucket tables as stored before migration 5 (every width a row of its own).
private enum StatsSnapshotBuckets {
    static func readStoredBuckets(_ pool: PostgresPool) async throws -> (type: [StatsSnapshot.Bucket: Int64], button: [StatsSnapshot.Bucket: Int64]) {
        func read(_ sql: String) async throws -> [StatsSnapshot.Bucket: Int64] {
            var result: [StatsSnapshot.Bucket: Int64] = [:]
            for row in try await pool.query(sql) {
                let bucket = StatsSnapshot.Bucket(
                    seconds: try row.decode(Int32.self, at: 0), key: try row.decode(String.self, at: 1),
                    startMilliseconds: EventTimestamp.milliseconds(from: try row.decode(Date.self, at: 2)))
                result[bucket] = try row.decode(Int64.self, at: 3)
            }
            return result
        }
        return (
            try await read("SELECT bucket_seconds, event_type, bucket_start, count FROM stats_type_buckets"),
            try await read("SELECT bucket_seconds, button_id, bucket_start, count FROM stats_button_buckets")
        )
    }
}
