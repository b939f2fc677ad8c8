import ArgumentParser
import EDMCore
import EDMHTTP
import Logging

/// `stream`: configured by config vars (Heroku style), so the only options are informational.
public struct StreamCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Push every event from the Kafka topics to WebSocket clients (GET /v1/stream).",
        discussion: """
            Every instance reads every partition of every event topic (direct assignment, no \
            consumer group), so each client of each instance receives every event matching its \
            filter. Each text frame is one canonical event (JSON, never batched); frames with a \
            "kind" member are notices: live, dropped, filter, error.

            Query parameters of /v1/stream: types=click,pageload,alert  buttonId=<id> (repeat for \
            several)  deviceType=mobile,tablet  sessionId=<id>  level=warning,critical (alerts)  \
            last=<N> | since=<RFC 3339>  \
            token=<token>. Clients may send {"filter": {...}} with the same keys to change filters.

            Other routes: /health, /ready, /metrics. SIGTERM closes clients with 1001 and exits 0.

            \(StreamConfiguration.variables.helpSection)
            """)

    public init() {}

    public func run() async throws {
        let configuration = try ServiceStartup.load("stream", StreamConfiguration.fromEnvironment)
        let logger = Logger(label: "stream")
        let server = try StreamServer(configuration: configuration, logger: logger) { port in
            logger.info("listening", metadata: ["port": "\(port)", "instance": "\(configuration.instanceID)"])
        }
        try await ServiceRunner.run(server.services, logger: logger)
        logger.info("stopped")
    }
}
