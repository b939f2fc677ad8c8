import ArgumentParser
import EDMCore

/// `stats`: the stats service's executable. `serve` is the default subcommand, so the Procfile
/// line is just `web: stats`; `migrate` suits a Heroku release phase; `rebuild` recomputes the
/// aggregates from the log.
public struct StatsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count events from Kafka exactly once into PostgreSQL and serve the counts over HTTP.",
        discussion: """
            Config vars: DATABASE_URL (required; DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT, \
            DATABASE_POOL_TIMEOUT optional), KAFKA_URL (required; KAFKA_TRUSTED_CERT, \
            KAFKA_CLIENT_CERT, KAFKA_CLIENT_CERT_KEY, KAFKA_PREFIX optional), PORT (default \
            \(StatsConfiguration.defaultPort)), HOST, STATS_CONSUMER_GROUP (default \
            edm-consumer-group-2, KAFKA_PREFIX is prepended; KAFKA_CONSUMER_GROUP is read when it is \
            unset), STATS_BATCH_MAX_MESSAGES (default 10000), STATS_BATCH_MAX_WAIT_MS (default 20), \
            STATS_SESSION_TIMEOUT_MS (default 10000), STATS_DEDUPE_RETENTION_HOURS (default 48, at \
            least 24), LOG_LEVEL (default info).
            """,
        subcommands: [ServeCommand.self, MigrateCommand.self, RebuildCommand.self],
        defaultSubcommand: ServeCommand.self)

    public init() {}
}

/// Reads config vars and turns a configuration error into a message naming the variable and
/// exit status 78 (EX_CONFIG), instead of a stack trace.
enum CommandEnvironment {
    static func load<T>(_ read: (ConfigVars) throws(ConfigError) -> T) throws -> T {
        let environment = ConfigVars.process
        LogfmtLogHandler.bootstrap(environment: environment)
        do {
            return try read(environment)
        } catch {
            LogfmtLogHandler.standardError(error.description)
            throw ExitCode(78)
        }
    }
}
