import EDMPostgres

/// The stats schema, applied at start-up (and by `stats migrate`). Never edit a shipped
/// migration: append a new version.
///
/// Layout: `stats_partition_offsets` is the consumer's position (the truth, not Kafka's
/// committed offsets), written in the same transaction as the aggregates; `stats_seen_events`
/// remembers event ids for the dedupe window; `stats_state.epoch` changes on every rebuild so
/// consumers running at that moment notice and replay; `stats_position_resets` records every
/// stored position moved because its partition's log changed (and the events that cost); the
/// rest are the aggregates the API reads.
public enum StatsMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 1, name: "create stats tables",
            sql: """
                CREATE TABLE stats_state (
                    id smallint PRIMARY KEY CHECK (id = 1),
                    epoch bigint NOT NULL,
                    rebuilt_at timestamptz
                );
                INSERT INTO stats_state (id, epoch) VALUES (1, 0);

                CREATE TABLE stats_partition_offsets (
                    topic text NOT NULL,
                    partition int NOT NULL CHECK (partition >= 0),
                    next_offset bigint NOT NULL CHECK (next_offset >= 0),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (topic, partition)
                );

                CREATE TABLE stats_seen_events (
                    event_id uuid PRIMARY KEY,
                    seen_at timestamptz NOT NULL
                );
                -- Rows arrive in seen_at order, so a BRIN index finds expired ones for almost no
                -- insert cost.
                CREATE INDEX stats_seen_events_seen_at ON stats_seen_events USING brin (seen_at);

                CREATE TABLE stats_event_totals (
                    event_type text PRIMARY KEY,
                    count bigint NOT NULL,
                    last_event_at timestamptz NOT NULL,
                    last_received_at timestamptz NOT NULL
                );

                CREATE TABLE stats_button_clicks (
                    button_id text PRIMARY KEY,
                    count bigint NOT NULL,
                    last_click_at timestamptz NOT NULL
                );

                CREATE TABLE stats_pageloads_by_device (
                    device_type text PRIMARY KEY,
                    count bigint NOT NULL
                );

                -- URLs may be longer than a btree entry allows: unique by their md5 instead.
                CREATE TABLE stats_pageloads_by_url (
                    url text NOT NULL,
                    count bigint NOT NULL
                );
                CREATE UNIQUE INDEX stats_pageloads_by_url_key ON stats_pageloads_by_url (md5(url));

                CREATE TABLE stats_type_buckets (
                    bucket_seconds int NOT NULL,
                    event_type text NOT NULL,
                    bucket_start timestamptz NOT NULL,
                    count bigint NOT NULL,
                    PRIMARY KEY (bucket_seconds, event_type, bucket_start)
                );

                CREATE TABLE stats_button_buckets (
                    bucket_seconds int NOT NULL,
                    button_id text NOT NULL,
                    bucket_start timestamptz NOT NULL,
                    count bigint NOT NULL,
                    PRIMARY KEY (bucket_seconds, button_id, bucket_start)
                );

                CREATE TABLE stats_skipped_messages (
                    reason text PRIMARY KEY,
                    count bigint NOT NULL,
                    last_topic text NOT NULL,
                    last_partition int NOT NULL,
                    last_offset bigint NOT NULL,
                    last_skipped_at timestamptz NOT NULL
                );
                """),
        Migration(
            version: 2, name: "record seen event ids with one plain insert per batch",
            sql: """
                -- Records a batch's distinct event ids and returns those already recorded (normally
                -- none). The plain INSERT is the common case and costs about half of an
                -- ON CONFLICT insert (no speculative insertion per row) and returns no rows; only a
                -- batch holding a duplicate, a client retry, pays for the subtransaction rollback
                -- and the conflict-checking insert after it. Durable like the table it writes.
                CREATE FUNCTION stats_record_seen_events(ids uuid[]) RETURNS SETOF uuid
                LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO stats_seen_events (event_id, seen_at)
                    SELECT id, now() FROM unnest(ids) AS u(id);
                EXCEPTION WHEN unique_violation THEN
                    RETURN QUERY
                        WITH recorded AS (
                            INSERT INTO stats_seen_events (event_id, seen_at)
                            SELECT id, now() FROM unnest(ids) AS u(id)
                            ON CONFLICT DO NOTHING
                            RETURNING event_id)
                        SELECT u.id FROM unnest(ids) AS u(id)
                        WHERE u.id NOT IN (SELECT event_id FROM recorded);
                END
                $$;
                """),
        Migration(
            version: 3, name: "record stored positions moved because the log changed under them",
            sql: """
                -- One row per stored position moved to the start of its partition's log because it
                -- lay outside it: beyond_end (a new cluster or recreated topic) or before_start
                -- (retention deleted events never counted: lost_events of them); and per gap
                -- found while reading (the log had moved past the stored position, as when
                -- retention overtakes a lagging consumer: low_watermark is where reading went on,
                -- high_watermark unknown). An audit log, kept across rebuilds; reset_by says who
                -- moved it (the policy, the operator's command, or the reading itself).
                CREATE TABLE stats_position_resets (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    topic text NOT NULL,
                    partition int NOT NULL,
                    kind text NOT NULL CHECK (kind IN ('beyond_end', 'before_start', 'gap')),
                    stored_offset bigint NOT NULL,
                    low_watermark bigint NOT NULL,
                    high_watermark bigint,
                    lost_events bigint NOT NULL CHECK (lost_events >= 0),
                    reset_by text NOT NULL,
                    reset_at timestamptz NOT NULL DEFAULT now()
                );
                """),
        Migration(
            version: 4, name: "count registered types by their countBy fields",
            sql: """
                -- Types registered at runtime share the generic tables: totals in stats_event_totals
                -- and time series in stats_type_buckets (keyed by event_type, like the built-ins),
                -- and here one row per (type, countBy field, value). No table per type: a new type
                -- needs no migration. Values are bounded per type and field (the ingest counts
                -- values beyond the limit under '(other)'), so no field can grow this without bound.
                CREATE TABLE stats_type_field_values (
                    event_type text NOT NULL,
                    field text NOT NULL,
                    value text NOT NULL,
                    count bigint NOT NULL,
                    PRIMARY KEY (event_type, field, value)
                );
                """),
        Migration(
            version: 5, name: "ten-second counts six to a row, per minute",
            sql: """
                -- A batch spanning minutes of event time wrote one row per key and 10-second bucket
                -- (four fifths of its rows) and again per minute. Now one row per key and minute
                -- holds the minute's six 10-second counts (s0 = :00-:09 ... s5 = :50-:59); the
                -- minute's count is their sum, so 1m buckets are no longer stored. The bucket
                -- tables keep the 1h and 1d widths. Existing counts move over unchanged.
                CREATE TABLE stats_type_minutes (
                    event_type text NOT NULL,
                    minute_start timestamptz NOT NULL,
                    s0 bigint NOT NULL, s1 bigint NOT NULL, s2 bigint NOT NULL,
                    s3 bigint NOT NULL, s4 bigint NOT NULL, s5 bigint NOT NULL,
                    PRIMARY KEY (event_type, minute_start)
                );
                CREATE TABLE stats_button_minutes (
                    button_id text NOT NULL,
                    minute_start timestamptz NOT NULL,
                    s0 bigint NOT NULL, s1 bigint NOT NULL, s2 bigint NOT NULL,
                    s3 bigint NOT NULL, s4 bigint NOT NULL, s5 bigint NOT NULL,
                    PRIMARY KEY (button_id, minute_start)
                );
                INSERT INTO stats_type_minutes
                SELECT event_type, m, coalesce(sum(count) FILTER (WHERE slot = 0), 0), coalesce(sum(count) FILTER (WHERE slot = 1), 0),
                    coalesce(sum(count) FILTER (WHERE slot = 2), 0), coalesce(sum(count) FILTER (WHERE slot = 3), 0),
                    coalesce(sum(count) FILTER (WHERE slot = 4), 0), coalesce(sum(count) FILTER (WHERE slot = 5), 0)
                FROM (
                    SELECT event_type, count, date_bin('1 minute', bucket_start, timestamptz 'epoch') AS m,
                        ((extract(epoch FROM bucket_start)::bigint % 60 + 60) % 60) / 10 AS slot
                    FROM stats_type_buckets WHERE bucket_seconds = 10) AS b
                GROUP BY event_type, m;
                INSERT INTO stats_button_minutes
                SELECT button_id, m, coalesce(sum(count) FILTER (WHERE slot = 0), 0), coalesce(sum(count) FILTER (WHERE slot = 1), 0),
                    coalesce(sum(count) FILTER (WHERE slot = 2), 0), coalesce(sum(count) FILTER (WHERE slot = 3), 0),
                    coalesce(sum(count) FILTER (WHERE slot = 4), 0), coalesce(sum(count) FILTER (WHERE slot = 5), 0)
                FROM (
                    SELECT button_id, count, date_bin('1 minute', bucket_start, timestamptz 'epoch') AS m,
                        ((extract(epoch FROM bucket_start)::bigint % 60 + 60) % 60) / 10 AS slot
                    FROM stats_button_buckets WHERE bucket_seconds = 10) AS b
                GROUP BY button_id, m;
                DELETE FROM stats_type_buckets WHERE bucket_seconds IN (10, 60);
                DELETE FROM stats_button_buckets WHERE bucket_seconds IN (10, 60);
                """),
    ]

    /// Tables `stats rebuild` empties (everything derived from the log).
    static let derivedTables = [
        "stats_partition_offsets", "stats_seen_events", "stats_event_totals", "stats_button_clicks",
        "stats_pageloads_by_device", "stats_pageloads_by_url", "stats_type_buckets", "stats_button_buckets",
        "stats_skipped_messages", "stats_type_field_values", "stats_type_minutes", "stats_button_minutes",
    ]
}
