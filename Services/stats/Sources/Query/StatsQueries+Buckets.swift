import EDMEvents
import Foundation

/// Reading one time series, whichever way its width is stored: 1h and 1d as rows of the bucket
/// tables, 10 s and 1m from the minute rows (a minute's count is the sum of its six 10-second
/// counts).
extension StatsQueries {
    enum Series {
        case type(String)
        case button(String)
    }

    /// Counts by bucket start (milliseconds since 1970) of the buckets of `width` starting in
    /// `from..<to`; buckets without events are absent.
    func bucketCounts(_ series: Series, width: BucketWidth, from: Date, to: Date) async throws -> [Int64: Int64] {
        let (buckets, minutes, keyColumn, key) =
            switch series {
            case .type(let type): ("stats_type_buckets", "stats_type_minutes", "event_type", type)
            case .button(let buttonId): ("stats_button_buckets", "stats_button_minutes", "button_id", buttonId)
            }
        var counts: [Int64: Int64] = [:]
        if width.isStoredAsBucket {
            for row in try await pool.query(
                """
                SELECT bucket_start, count FROM \(buckets)
                WHERE bucket_seconds = $1 AND \(keyColumn) = $2 AND bucket_start >= $3 AND bucket_start < $4
                """, [width.seconds, key, from, to])
            {
                counts[EventTimestamp.milliseconds(from: try row.decode(Date.self, at: 0))] = try row.decode(Int64.self, at: 1)
            }
            return counts
        }
        let fromMilliseconds = EventTimestamp.milliseconds(from: from)
        let toMilliseconds = EventTimestamp.milliseconds(from: to)
        let firstMinute = EventTimestamp.date(fromMilliseconds: BucketWidth.minute.start(ofMilliseconds: fromMilliseconds))
        for row in try await pool.query(
            """
            SELECT minute_start, s0, s1, s2, s3, s4, s5 FROM \(minutes)
            WHERE \(keyColumn) = $1 AND minute_start >= $2 AND minute_start < $3
            """, [key, firstMinute, to])
        {
            let minute = EventTimestamp.milliseconds(from: try row.decode(Date.self, at: 0))
            let slots = try (1...6).map { try row.decode(Int64.self, at: $0) }
            switch width {
            case .minute:
                counts[minute] = slots.reduce(0, +)
            default:
                for (slot, count) in slots.enumerated() where count != 0 {
                    let start = minute + Int64(slot) * 10_000
                    if start >= fromMilliseconds && start < toMilliseconds { counts[start] = count }
                }
            }
        }
        return counts
    }
}
