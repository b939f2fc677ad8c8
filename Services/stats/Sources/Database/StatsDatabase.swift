import EDMPostgres
import Logging

/// Schema set-up shared by `stats serve` and `stats migrate`.
public enum StatsDatabase {
    /// Applies ``StatsMigrations/all``, retrying while PostgreSQL refuses connections (a database
    /// still starting, or restarting) for up to `wait`; other failures are thrown at once.
    public static func migrate(pool: PostgresPool, waitingUpTo wait: Duration, logger: Logger) async throws {
        let deadline = ContinuousClock.now + wait
        var backoff = Duration.milliseconds(200)
        while true {
            do {
                let applied = try await Migrator(pool: pool, logger: logger).apply(StatsMigrations.all)
                logger.info("database schema up to date", metadata: ["applied": "\(applied)"])
                return
            } catch let error as PostgresError where error.isUnavailable && ContinuousClock.now < deadline {
                logger.warning("database not reachable yet; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }
}

extension StatsDatabase {
    /// Empties every derived table and starts a new rebuild epoch (see `stats rebuild`);
    /// returns the new epoch.
    @discardableResult
    public static func wipeForRebuild(pool: PostgresPool) async throws -> Int64 {
        try await IngestStore(pool: pool).wipeForRebuild()
    }
}
