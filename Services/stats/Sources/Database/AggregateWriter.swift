import EDMEvents
import EDMPostgres

/// The statements that add a batch's increments to the aggregate tables: one `INSERT ... SELECT
/// FROM unnest(...) ON CONFLICT DO UPDATE` per table (left out when the batch has nothing for
/// it), to be sent together as one ``CombinedStatement``. Times travel as epoch milliseconds
/// (see ``PostgresArray``).
enum AggregateWriter {
    static func add(_ aggregate: BatchAggregate, to statement: inout CombinedStatement) {
        guard !aggregate.isEmpty else { return }
        let types = aggregate.sortedTypes
        statement.add(
            """
            INSERT INTO stats_event_totals AS t (event_type, count, last_event_at, last_received_at)
            SELECT kind, n, to_timestamp(last_event / 1000.0), to_timestamp(last_received / 1000.0)
            FROM unnest($1::text[], $2::int8[], $3::int8[], $4::int8[]) AS u(kind, n, last_event, last_received)
            ON CONFLICT (event_type) DO UPDATE SET
                count = t.count + EXCLUDED.count,
                last_event_at = GREATEST(t.last_event_at, EXCLUDED.last_event_at),
                last_received_at = GREATEST(t.last_received_at, EXCLUDED.last_received_at)
            """,
            [
                PostgresArray(text: types.map(\.type)), PostgresArray(int8: types.map(\.total.count)),
                PostgresArray(epochMilliseconds: types.map(\.total.lastEventAt)),
                PostgresArray(epochMilliseconds: types.map(\.total.lastReceivedAt)),
            ])
        addBuckets(aggregate.sortedTypeBuckets, table: "stats_type_buckets", keyColumn: "event_type", to: &statement)

        let buttons = aggregate.sortedButtons
        if !buttons.isEmpty {
            statement.add(
                """
                INSERT INTO stats_button_clicks AS t (button_id, count, last_click_at)
                SELECT button, n, to_timestamp(last_click / 1000.0)
                FROM unnest($1::text[], $2::int8[], $3::int8[]) AS u(button, n, last_click)
                ON CONFLICT (button_id) DO UPDATE SET
                    count = t.count + EXCLUDED.count,
                    last_click_at = GREATEST(t.last_click_at, EXCLUDED.last_click_at)
                """,
                [
                    PostgresArray(text: buttons.map(\.buttonId)), PostgresArray(int8: buttons.map(\.total.count)),
                    PostgresArray(epochMilliseconds: buttons.map(\.total.lastClickAt)),
                ])
            addBuckets(aggregate.sortedButtonBuckets, table: "stats_button_buckets", keyColumn: "button_id", to: &statement)
        }

        let devices = aggregate.sortedDevices
        if !devices.isEmpty {
            statement.add(
                """
                INSERT INTO stats_pageloads_by_device AS t (device_type, count)
                SELECT * FROM unnest($1::text[], $2::int8[])
                ON CONFLICT (device_type) DO UPDATE SET count = t.count + EXCLUDED.count
                """,
                [PostgresArray(text: devices.map(\.deviceType.rawValue)), PostgresArray(int8: devices.map(\.count))])
        }

        let urls = aggregate.sortedURLs
        if !urls.isEmpty {
            statement.add(
                """
                INSERT INTO stats_pageloads_by_url AS t (url, count)
                SELECT * FROM unnest($1::text[], $2::int8[])
                ON CONFLICT (md5(url)) DO UPDATE SET count = t.count + EXCLUDED.count
                """,
                [PostgresArray(text: urls.map(\.url)), PostgresArray(int8: urls.map(\.count))])
        }
    }

    /// Per reason: how many messages were skipped and the position of the last one.
    static func addSkipped(
        _ skipped: [SkipReason: (count: Int64, last: DecodedMessage)], to statement: inout CombinedStatement
    ) {
        guard !skipped.isEmpty else { return }
        let rows = skipped.sorted { $0.key.rawValue < $1.key.rawValue }
        statement.add(
            """
            INSERT INTO stats_skipped_messages AS s
                (reason, count, last_topic, last_partition, last_offset, last_skipped_at)
            SELECT r, c, t, p, o, now() FROM unnest($1::text[], $2::int8[], $3::text[], $4::int4[], $5::int8[])
                AS u(r, c, t, p, o)
            ON CONFLICT (reason) DO UPDATE SET
                count = s.count + EXCLUDED.count, last_topic = EXCLUDED.last_topic,
                last_partition = EXCLUDED.last_partition, last_offset = EXCLUDED.last_offset,
                last_skipped_at = EXCLUDED.last_skipped_at
            """,
            [
                PostgresArray(text: rows.map(\.key.rawValue)), PostgresArray(int8: rows.map(\.value.count)),
                PostgresArray(text: rows.map(\.value.last.partition.topic)),
                PostgresArray(int4: rows.map(\.value.last.partition.partition)),
                PostgresArray(int8: rows.map(\.value.last.offset)),
            ])
    }

    /// `table` and `keyColumn` are constants of this file, never input.
    private static func addBuckets(
        _ buckets: [(key: BatchAggregate.BucketKey, count: Int64)], table: String, keyColumn: String,
        to statement: inout CombinedStatement
    ) {
        guard !buckets.isEmpty else { return }
        statement.add(
            """
            INSERT INTO \(table) AS t (bucket_seconds, \(keyColumn), bucket_start, count)
            SELECT width, key, to_timestamp(start / 1000.0), n
            FROM unnest($1::int4[], $2::text[], $3::int8[], $4::int8[]) AS u(width, key, start, n)
            ON CONFLICT (bucket_seconds, \(keyColumn), bucket_start) DO UPDATE SET count = t.count + EXCLUDED.count
            """,
            [
                PostgresArray(int4: buckets.map(\.key.width.seconds)), PostgresArray(text: buckets.map(\.key.key)),
                PostgresArray(epochMilliseconds: buckets.map(\.key.start)), PostgresArray(int8: buckets.map(\.count)),
            ])
    }
}
