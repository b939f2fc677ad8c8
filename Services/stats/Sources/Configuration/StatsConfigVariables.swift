import EDMCore

/// Every config var `stats` reads, in one list, so `--help` cannot fall out of step with
/// ``StatsConfiguration/fromEnvironment(_:)`` (a test checks each name appears in both).
public enum StatsConfigVariables {
    public static let all: [ConfigVariable] =
        StandardConfigVariables.listen(defaultPort: StatsConfiguration.defaultPort) + [
            ConfigVariable(
                "DATABASE_URL",
                "Required. postgres://user:password@host:port/database; sslmode is honoured (Heroku needs require)."),
            ConfigVariable("DATABASE_POOL_SIZE", default: "10", "Connections of the API's pool (ingest uses 2 more)."),
            ConfigVariable("DATABASE_CONNECT_TIMEOUT", default: "10", "Seconds to wait for one connection to open."),
            ConfigVariable("DATABASE_POOL_TIMEOUT", default: "10", "Seconds a query waits for a free pooled connection."),
        ] + StandardConfigVariables.kafka + [
            ConfigVariable(
                "STATS_CONSUMER_GROUP", default: "edm-consumer-group-2",
                "Consumer group (KAFKA_PREFIX is put before it; KAFKA_CONSUMER_GROUP is read when it is unset)."),
            ConfigVariable("STATS_BATCH_MAX_MESSAGES", default: "10000", "Most messages counted in one transaction."),
            ConfigVariable("STATS_BATCH_MAX_WAIT_MS", default: "20", "Longest wait to fill a batch before committing it."),
            ConfigVariable(
                "STATS_SESSION_TIMEOUT_MS", default: "10000",
                "Consumer-group session timeout: how long a dead instance holds its partitions."),
            ConfigVariable(
                "STATS_DEDUPE_RETENTION_HOURS", default: "48",
                "How long client-supplied event ids are remembered to drop retries (at least 24)."),
            ConfigVariable(
                PositionResetPolicy.variable, default: "auto",
                "A stored position outside its partition's log: fail (hold the partition until `stats reset-positions`), "
                    + "reset (start the log again, recording it) or auto (reset when retention removed events, "
                    + "hold when the log ends before it)."),
            ConfigVariable(
                "STATS_TOKENS",
                "Comma list of accepted API tokens (Authorization: Bearer <token>); several at once for rotation. "
                    + "/health, /ready, /metrics and /openapi.json stay open. Unset: the API is open, with a warning."),
            StandardConfigVariables.logLevel,
        ] + StandardConfigVariables.tracing
}
