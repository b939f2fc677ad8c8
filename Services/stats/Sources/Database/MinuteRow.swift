import EDMEvents
import Foundation

/// One key's six 10-second counts of one minute: a row of `stats_type_minutes` or
/// `stats_button_minutes`. A batch spanning minutes of event time writes a sixth of the rows it
/// would at one per 10-second bucket, and no 1m rows at all (a minute is the sum of its six).
/// Measured: the per-row work of the one upsert per batch was what bounded stats ingest.
struct MinuteRow: Sendable, Equatable {
    var key: String
    var minuteStart: Date
    /// Counts of :00-:09, :10-:19, ... :50-:59.
    var counts: [Int64]

    /// The 10-second buckets of `buckets` (other widths ignored) as minute rows, in key and
    /// minute order when `buckets` is sorted (``BatchAggregate/BucketKey`` order).
    static func rows(from buckets: [(key: BatchAggregate.BucketKey, count: Int64)]) -> [MinuteRow] {
        var rows: [MinuteRow] = []
        for (bucket, count) in buckets where bucket.width == .tenSeconds {
            let milliseconds = EventTimestamp.milliseconds(from: bucket.start)
            let minute = BucketWidth.minute.start(ofMilliseconds: milliseconds)
            let slot = Int((milliseconds - minute) / 10_000)
            let minuteStart = EventTimestamp.date(fromMilliseconds: minute)
            if let last = rows.indices.last, rows[last].key == bucket.key, rows[last].minuteStart == minuteStart {
                rows[last].counts[slot] += count
            } else {
                var counts = [Int64](repeating: 0, count: 6)
                counts[slot] = count
                rows.append(MinuteRow(key: bucket.key, minuteStart: minuteStart, counts: counts))
            }
        }
        return rows
    }

    /// The six counts as columns, for one array parameter each.
    static func columns(_ rows: [MinuteRow]) -> [[Int64]] {
        (0..<6).map { slot in rows.map { $0.counts[slot] } }
    }
}
