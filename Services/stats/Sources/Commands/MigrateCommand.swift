import ArgumentParser
import EDMCore
import EDMPostgres
import Logging

/// `stats migrate`: apply the schema and exit (Heroku release phase: `release: stats migrate`).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations and exit.",
        discussion: "Reads DATABASE_URL. Safe to run while stats processes are running, and more than once.")

    func run() async throws {
        let database = try CommandStartup.load("stats migrate", PostgresConfiguration.fromEnvironment)
        let logger = Logger(label: "stats.migrate")
        let pool = PostgresPool(configuration: database, logger: logger)
        do {
            try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(30), logger: logger)
        } catch {
            await pool.close()
            logger.error("migration failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        await pool.close()
    }
}
