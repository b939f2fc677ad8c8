import ArgumentParser
import EDMHTTP
import Logging

/// `stats serve`: consume, count and serve until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the consumer and the HTTP API (the default).",
        discussion: """
            Applies pending migrations, joins the consumer group over every event topic, and \
            serves /v1/stats/*, /api/clickCount, /api/clickHistory, /openapi.json, /health, \
            /ready and /metrics on PORT. Stops gracefully on SIGTERM or SIGINT: HTTP first, then \
            the in-flight batch is committed and the group left. Exits 0.
            """)

    func run() async throws {
        let configuration = try ServiceStartup.load("stats", StatsConfiguration.fromEnvironment)
        let logger = Logger(label: "stats")
        let server = try await StatsServer.prepare(configuration, logger: logger)
        try await server.run()
    }
}
