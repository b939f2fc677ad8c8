import ArgumentParser
import EDMCore
import EDMHTTP
import Logging

/// `alerts`: configured by config vars (Heroku style), so the only options are informational.
public struct AlertsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Count events in event-time windows per rule and key, and publish alerts on edm-alerts.",
        discussion: """
            Reads the rules' topics in consumer group edm-alerts (prefixed by KAFKA_PREFIX) and \
            publishes each alert once per rule, key, window and level, plus one resolved alert when \
            an alerting key falls back (hysteresis), as canonical events of type alert on topic \
            edm-alerts (idempotent producer, acks=all). Alert ids are derived from rule, key, \
            window, level and resolved, so a repeat after a restart carries the same id.

            No database: on every assignment the windows are rebuilt by re-reading the longest \
            window plus grace from Kafka, and the published alerts are read back to restore \
            alerting keys. Run one instance (keys such as a button span partitions).

            Routes: /health, /ready (broker reachable, windows rebuilt), /metrics. SIGTERM stops \
            gracefully (exit 0); a bad variable or rule exits 78 naming it.

            \(AlertsConfiguration.variables.helpSection)
            """)

    public init() {}

    public func run() async throws {
        let configuration = try ServiceStartup.load("alerts", AlertsConfiguration.fromEnvironment)
        let logger = Logger(label: "alerts")
        let server = try AlertsServer(configuration: configuration, logger: logger) { port in
            logger.info(
                "listening",
                metadata: [
                    "port": "\(port)", "group": "\(configuration.groupID)", "topics": "\(configuration.inputTopics)",
                    "rules": "\(configuration.rules.map(\.name))",
                ])
        }
        try await ServiceRunner.run(server.services, logger: logger)
        logger.info("stopped")
    }
}
