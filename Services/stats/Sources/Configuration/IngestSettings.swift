import EDMCore

/// How the consumer batches, retries and keeps its dedupe window. Defaults suit production;
/// tests shorten the timeouts.
public struct IngestSettings: Sendable {
    /// Most messages written in one transaction (`STATS_BATCH_MAX_MESSAGES`).
    public var maxBatchMessages = 10_000
    /// How long a batch waits to fill up once its first message arrived (`STATS_BATCH_MAX_WAIT_MS`);
    /// under load batches fill without waiting, so this only trades latency for fewer commits
    /// when traffic is light.
    public var maxBatchWait: Duration = .milliseconds(20)
    /// Group session timeout (`STATS_SESSION_TIMEOUT_MS`): how fast a dead member's partitions move.
    public var sessionTimeout: Duration = .seconds(10)
    /// How long event ids are remembered to drop client retries (`STATS_DEDUPE_RETENTION_HOURS`,
    /// at least 24).
    public var dedupeRetention: Duration = .seconds(48 * 3600)
    /// How often expired ids are deleted.
    public var pruneInterval: Duration = .seconds(600)
    /// How often an idle consumer checks whether `stats rebuild` ran meanwhile.
    public var idleCheckInterval: Duration = .seconds(5)
    /// Retry pacing while PostgreSQL is unreachable.
    public var retryInitialBackoff: Duration = .milliseconds(100)
    public var retryMaximumBackoff: Duration = .seconds(5)
    /// How long a revoke waits for the in-flight batch before handing the partitions over anyway
    /// (the offset fence keeps a late commit from double counting).
    public var revokeWait: Duration = .seconds(10)
    /// How long shutdown keeps retrying an in-flight batch while the database is down; after
    /// that the batch is dropped uncommitted and re-read on the next start.
    public var shutdownGrace: Duration = .seconds(10)
    /// How often consumer lag is published to `/metrics`.
    public var lagInterval: Duration = .seconds(5)
    /// What to do with a stored position outside its partition's log (`STATS_ON_POSITION_RESET`).
    public var positionResetPolicy = PositionResetPolicy.auto

    public init() {}

    public static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> IngestSettings {
        var settings = IngestSettings()
        settings.maxBatchMessages = try environment.integer(
            "STATS_BATCH_MAX_MESSAGES", default: settings.maxBatchMessages, range: 1...50_000)
        settings.maxBatchWait = .milliseconds(
            try environment.integer("STATS_BATCH_MAX_WAIT_MS", default: 20, range: 0...10_000))
        settings.sessionTimeout = .milliseconds(
            try environment.integer("STATS_SESSION_TIMEOUT_MS", default: 10_000, range: 1000...300_000))
        settings.dedupeRetention = .seconds(
            3600 * (try environment.integer("STATS_DEDUPE_RETENTION_HOURS", default: 48, range: 24...24 * 365)))
        settings.positionResetPolicy = try PositionResetPolicy.fromEnvironment(environment)
        return settings
    }
}
