import ArgumentParser
import EDMCore

/// `stats`: the stats service's executable. `serve` is the default subcommand, so the Procfile
/// line is just `web: stats`; `migrate` suits a Heroku release phase; `rebuild` recomputes the
/// aggregates from the log; `reset-positions` releases partitions held by a position conflict.
public struct StatsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count events from Kafka exactly once into PostgreSQL and serve the counts over HTTP.",
        discussion: """
            \(StatsConfigVariables.all.helpSection)
            """,
        subcommands: [ServeCommand.self, MigrateCommand.self, RebuildCommand.self, ResetPositionsCommand.self],
        defaultSubcommand: ServeCommand.self)

    public init() {}
}
