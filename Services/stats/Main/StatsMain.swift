import ArgumentParser
import StatsService

/// The `stats` executable; everything lives in `StatsService` (see `StatsCommand`).
@main
enum StatsMain {
    static func main() async {
        // The root command only groups subcommands; the cast selects the async entry point.
        await (StatsCommand.self as any AsyncParsableCommand.Type).main()
    }
}
