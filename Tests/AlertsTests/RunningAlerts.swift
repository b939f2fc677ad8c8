@testable import AlertsService
import EDMEvents
import EDMHTTP
import EDMKafka
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport

/// The alerts service run in process against a test broker, with test-sized timings.
final class RunningAlerts: Sendable {
    let server: AlertsServer
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static func configuration(bootstrap: String, rules: [AlertRule]) throws -> AlertsConfiguration {
        var configuration = AlertsConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: 0), kafka: KafkaConnection(bootstrapServers: [bootstrap]),
            names: try KafkaNames(prefix: nil, registry: .all), rules: rules)
        configuration.consumerGroup = ConsumerGroup(rawValue: uniqueName("edm-alerts"))
        configuration.fetchWait = .milliseconds(10)
        configuration.liveDelay = .milliseconds(200)
        configuration.sessionTimeout = .seconds(3)
        return configuration
    }

    init(configuration: AlertsConfiguration) throws {
        var logger = Logger(label: "alerts-test")
        logger.logLevel = .warning
        server = try AlertsServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: server.services.map { .init(service: $0) }, logger: logger))
        self.group = group
        task = Task { try await group.run() }
    }

    var stats: AlertsStats { server.metrics.stats }

    func waitUntilLive() async throws {
        try await waitUntil("alerts rebuilt its windows and reads live", timeout: .seconds(30)) {
            stats.live.load(ordering: .relaxed)
        }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
