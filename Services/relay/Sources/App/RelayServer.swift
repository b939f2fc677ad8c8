import EDMEvents
import EDMCore
import EDMHTTP
import EDMKafka
import EDMRegistry
import Logging

/// Runs the relay until SIGTERM/SIGINT: the producer and the HTTP server in one ServiceGroup.
/// The producer is listed first so it stops last: HTTP stops accepting and finishes the
/// requests in flight (each still waiting for its acknowledgement), then the producer flushes.
public enum RelayServer {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameter onStart: sees the producer once created (tests force its fatal state).
    public static func run(
        configuration: RelayConfiguration, logger: Logger,
        onStart: @Sendable (KafkaProducer) -> Void = { _ in }
    ) async throws {
        var kafkaLogger = Logger(label: "relay.kafka")
        kafkaLogger.logLevel = configuration.logLevel
        let producer: KafkaProducer
        do {
            producer = try KafkaProducer(
                connection: configuration.kafka, configuration: configuration.producerConfiguration, logger: kafkaLogger)
        } catch {
            throw StartError(description: "cannot create the Kafka producer (check KAFKA_URL and the KAFKA_* certificates): \(error)")
        }
        logger.info("relay starting", metadata: summary(configuration).mapValues { .string($0) })
        let registry = SchemaRegistry()
        var registryLogger = Logger(label: "relay.registry")
        registryLogger.logLevel = configuration.logLevel
        let adminTimeout = TopicProvisioner(producer: producer, names: configuration.names).adminTimeout
        let follower = RegistryFollower(
            connection: configuration.kafka, prefix: configuration.names.prefix, registry: registry, metadata: producer,
            clientID: "edm-relay-registry", logger: registryLogger
        ) { topic in
            try? await producer.createTopic(topic, partitions: 1, config: ["cleanup.policy": "compact"], timeout: adminTimeout)
        }
        let app = RelayApplication.make(configuration: configuration, producer: producer, registry: registry, logger: logger) { port in
            logger.notice("relay listening", metadata: ["port": "\(port.map(String.init) ?? "?")"])
        }
        onStart(producer)
        try await ServiceRunner.run(
            [producer, follower, app], supervisors: [ProducerWatchdog(producer: producer, logger: logger)], logger: logger)
        logger.info("relay stopped")
    }

    /// What the relay runs with, safe to log: counts and names, never keys or certificates.
    static func summary(_ configuration: RelayConfiguration) -> [String: String] {
        let tls: String
        switch configuration.kafka.security {
        case .plaintext: tls = "false"
        case .tls: tls = "true"
        }
        var summary = [
            "port": String(configuration.listen.port),
            "brokers": String(configuration.kafka.bootstrapServers.count),
            "kafka_tls": tls,
            "kafka_prefix": configuration.names.prefix,
            "topics": configuration.names.allTopics.joined(separator: ","),
            "api_keys": configuration.apiKeys.isOpen ? "none" : "set",
            "legacy_routes_open": String(configuration.legacyRoutesOpen),
            "max_body_bytes": String(configuration.limits.maxBodyBytes),
            "max_batch_events": String(configuration.limits.maxBatchEvents),
            "ack_timeout_ms": milliseconds(configuration.ackTimeout),
            "kafka_linger_ms": milliseconds(configuration.linger),
            "rate_limit_per_minute": configuration.rateLimit.map { String($0.requestsPerMinute) } ?? "off",
        ]
        switch configuration.cors.origins {
        case .none: summary["cors"] = "off"
        case .any: summary["cors"] = "*"
        case .list(let origins): summary["cors"] = origins.sorted().joined(separator: ",")
        }
        return summary
    }

    private static func milliseconds(_ duration: Duration) -> String {
        String(duration.milliseconds)
    }
}
