import EDMEvents
import EDMPostgres

/// The statements that add a batch's increments to the aggregate tables: one `INSERT ... SELECT
/// FROM unnest(...) ON CONFLICT DO UPDATE` per table (left out when the batch has nothing for
/// it), to be sent together as one statement (`PostgresStatement.combiningWrites`). Each column
/// travels as one typed array parameter.
enum AggregateWriter {
    static func writes(for aggregate: BatchAggregate) -> [PostgresStatement] {
        guard !aggregate.isEmpty else { return [] }
        var writes: [PostgresStatement] = []
        let types = aggregate.sortedTypes
        writes.append(
            """
            INSERT INTO stats_event_totals AS t (event_type, count, last_event_at, last_received_at)
            SELECT * FROM unnest(\(types.map(\.type)), \(types.map(\.total.count)),
                \(types.map(\.total.lastEventAt)), \(types.map(\.total.lastReceivedAt)))
            ON CONFLICT (event_type) DO UPDATE SET
                count = t.count + EXCLUDED.count,
                last_event_at = GREATEST(t.last_event_at, EXCLUDED.last_event_at),
                last_received_at = GREATEST(t.last_received_at, EXCLUDED.last_received_at)
            """)
        let typeBuckets = aggregate.sortedTypeBuckets
        writes += minuteWrite(MinuteRow.rows(from: typeBuckets), table: "stats_type_minutes", keyColumn: "event_type")
        writes += bucketWrite(typeBuckets, table: "stats_type_buckets", keyColumn: "event_type")

        let buttons = aggregate.sortedButtons
        if !buttons.isEmpty {
            writes.append(
                """
                INSERT INTO stats_button_clicks AS t (button_id, count, last_click_at)
                SELECT * FROM unnest(\(buttons.map(\.buttonId)), \(buttons.map(\.total.count)),
                    \(buttons.map(\.total.lastClickAt)))
                ON CONFLICT (button_id) DO UPDATE SET
                    count = t.count + EXCLUDED.count,
                    last_click_at = GREATEST(t.last_click_at, EXCLUDED.last_click_at)
                """)
            let buttonBuckets = aggregate.sortedButtonBuckets
            writes += minuteWrite(MinuteRow.rows(from: buttonBuckets), table: "stats_button_minutes", keyColumn: "button_id")
            writes += bucketWrite(buttonBuckets, table: "stats_button_buckets", keyColumn: "button_id")
        }

        let devices = aggregate.sortedDevices
        if !devices.isEmpty {
            writes.append(
                """
                INSERT INTO stats_pageloads_by_device AS t (device_type, count)
                SELECT * FROM unnest(\(devices.map(\.deviceType.rawValue)), \(devices.map(\.count)))
                ON CONFLICT (device_type) DO UPDATE SET count = t.count + EXCLUDED.count
                """)
        }

        let urls = aggregate.sortedURLs
        if !urls.isEmpty {
            writes.append(
                """
                INSERT INTO stats_pageloads_by_url AS t (url, count)
                SELECT * FROM unnest(\(urls.map(\.url)), \(urls.map(\.count)))
                ON CONFLICT (md5(url)) DO UPDATE SET count = t.count + EXCLUDED.count
                """)
        }
        if let fieldValues = fieldValueWrite(aggregate.sortedFieldValues) { writes.append(fieldValues) }
        return writes
    }

    /// Counts per registered type, `countBy` field and value. A value new to its type and
    /// field is kept while the field has fewer than ``CountByValue/maximumDistinctValues``
    /// values (new ones of one batch ranked by value, so a replay decides the same); the rest
    /// count under ``CountByValue/overflow``. Two members committing the same field at once
    /// may each add up to the limit's remainder: the bound is approximate, never unbounded.
    static func fieldValueWrite(_ rows: [(key: BatchAggregate.FieldValueKey, count: Int64)]) -> PostgresStatement? {
        guard !rows.isEmpty else { return nil }
        return """
            WITH u AS (
                SELECT * FROM unnest(\(rows.map(\.key.type)), \(rows.map(\.key.field)), \(rows.map(\.key.value)),
                    \(rows.map(\.count))) AS u(t, f, v, c)),
            k AS (
                SELECT u.t, u.f, u.v, u.c, e.value IS NOT NULL AS known,
                    row_number() OVER (PARTITION BY u.t, u.f, e.value IS NULL ORDER BY u.v) AS r
                FROM u LEFT JOIN stats_type_field_values AS e ON e.event_type = u.t AND e.field = u.f AND e.value = u.v),
            n AS (
                SELECT event_type, field, count(*) AS n FROM stats_type_field_values
                WHERE (event_type, field) IN (SELECT t, f FROM u) GROUP BY event_type, field)
            INSERT INTO stats_type_field_values AS t (event_type, field, value, count)
            SELECT k.t, k.f,
                CASE WHEN k.known OR coalesce(n.n, 0) + k.r <= \(Int64(CountByValue.maximumDistinctValues)) THEN k.v
                    ELSE \(CountByValue.overflow) END,
                sum(k.c)::int8
            FROM k LEFT JOIN n ON n.event_type = k.t AND n.field = k.f
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (event_type, field, value) DO UPDATE SET count = t.count + EXCLUDED.count
            """
    }

    /// Per reason: how many messages were skipped and the position of the last one.
    static func skippedWrite(_ skipped: [SkipReason: (count: Int64, last: DecodedMessage)]) -> PostgresStatement? {
        guard !skipped.isEmpty else { return nil }
        let rows = skipped.sorted { $0.key.rawValue < $1.key.rawValue }
        return """
            INSERT INTO stats_skipped_messages AS s
                (reason, count, last_topic, last_partition, last_offset, last_skipped_at)
            SELECT r, c, t, p, o, now()
            FROM unnest(\(rows.map(\.key.rawValue)), \(rows.map(\.value.count)), \(rows.map(\.value.last.partition.topic)),
                \(rows.map(\.value.last.partition.partition)), \(rows.map(\.value.last.offset))) AS u(r, c, t, p, o)
            ON CONFLICT (reason) DO UPDATE SET
                count = s.count + EXCLUDED.count, last_topic = EXCLUDED.last_topic,
                last_partition = EXCLUDED.last_partition, last_offset = EXCLUDED.last_offset,
                last_skipped_at = EXCLUDED.last_skipped_at
            """
    }

    /// The 10-second counts, six to a row (see ``MinuteRow``). `table` and `keyColumn` are
    /// constants of this file, never input.
    private static func minuteWrite(_ rows: [MinuteRow], table: String, keyColumn: String) -> [PostgresStatement] {
        guard !rows.isEmpty else { return [] }
        let slots = MinuteRow.columns(rows)
        return [
            """
            INSERT INTO \(unescaped: table) AS t (\(unescaped: keyColumn), minute_start, s0, s1, s2, s3, s4, s5)
            SELECT * FROM unnest(\(rows.map(\.key)), \(rows.map(\.minuteStart)), \(slots[0]), \(slots[1]), \(slots[2]),
                \(slots[3]), \(slots[4]), \(slots[5]))
            ON CONFLICT (\(unescaped: keyColumn), minute_start) DO UPDATE SET
                s0 = t.s0 + EXCLUDED.s0, s1 = t.s1 + EXCLUDED.s1, s2 = t.s2 + EXCLUDED.s2,
                s3 = t.s3 + EXCLUDED.s3, s4 = t.s4 + EXCLUDED.s4, s5 = t.s5 + EXCLUDED.s5
            """
        ]
    }

    /// The stored widths (1h and 1d; 10 s and 1m live in the minute rows). `table` and
    /// `keyColumn` are constants of this file, never input.
    private static func bucketWrite(
        _ all: [(key: BatchAggregate.BucketKey, count: Int64)], table: String, keyColumn: String
    ) -> [PostgresStatement] {
        let buckets = all.filter { $0.key.width.isStoredAsBucket }
        guard !buckets.isEmpty else { return [] }
        return [
            """
            INSERT INTO \(unescaped: table) AS t (bucket_seconds, \(unescaped: keyColumn), bucket_start, count)
            SELECT * FROM unnest(\(buckets.map(\.key.width.seconds)), \(buckets.map(\.key.key)),
                \(buckets.map(\.key.start)), \(buckets.map(\.count)))
            ON CONFLICT (bucket_seconds, \(unescaped: keyColumn), bucket_start) DO UPDATE SET count = t.count + EXCLUDED.count
            """
        ]
    }
}
