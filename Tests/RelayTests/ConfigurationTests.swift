import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import Foundation
import Testing

@testable import RelayService

@Suite("Configuration from config vars")
struct ConfigurationTests {
    @Test("defaults: only KAFKA_URL is required")
    func defaults() throws {
        let configuration = try RelayConfiguration.fromEnvironment(ConfigVars(["KAFKA_URL": "kafka://127.0.0.1:9092"]))
        #expect(configuration.listen == ListenAddress(host: "0.0.0.0", port: 8080))
        #expect(configuration.kafka.bootstrapServers == ["127.0.0.1:9092"])
        #expect(configuration.apiKeys.isOpen)
        #expect(configuration.cors == .disabled)
        #expect(configuration.limits == .default)
        #expect(configuration.ackTimeout == .seconds(5))
        #expect(configuration.linger == .zero)
        #expect(configuration.rateLimit == nil)
        #expect(configuration.logLevel == .info)
        #expect(!configuration.legacyRoutesOpen)
        #expect(configuration.names.allTopics == ["edm-ui-click", "edm-ui-pageload"])
    }

    @Test("every variable is read")
    func everyVariable() throws {
        let configuration = try RelayConfiguration.fromEnvironment(ConfigVars([
            "PORT": "5001", "HOST": "127.0.0.1", "KAFKA_URL": "kafka://b1:9092,kafka://b2:9092",
            "KAFKA_PREFIX": "columbia-123.", "API_KEYS": "a, b", "LEGACY_ROUTES_OPEN": "true",
            "CORS_ALLOWED_ORIGINS": "https://shop.example.com", "MAX_BODY_BYTES": "4096", "MAX_BATCH_EVENTS": "10",
            "ACK_TIMEOUT_MS": "2500", "KAFKA_LINGER_MS": "2", "RATE_LIMIT_PER_MINUTE": "600", "RATE_LIMIT_BURST": "20", "LOG_LEVEL": "WARNING",
        ]))
        #expect(configuration.listen.port == 5001)
        #expect(configuration.listen.host == "127.0.0.1")
        #expect(configuration.kafka.bootstrapServers == ["b1:9092", "b2:9092"])
        #expect(configuration.names.topic(for: ClickProperties.self) == "columbia-123.edm-ui-click")
        #expect(configuration.apiKeys.accepts("a") && configuration.apiKeys.accepts("b"))
        #expect(configuration.legacyRoutesOpen)
        #expect(configuration.cors.allowedOrigin(for: "https://shop.example.com") != nil)
        #expect(configuration.limits.maxBodyBytes == 4096)
        #expect(configuration.limits.maxBatchEvents == 10)
        #expect(configuration.ackTimeout == .milliseconds(2500))
        #expect(configuration.retryAfterSeconds == 3)
        #expect(configuration.rateLimit == RateLimit(requestsPerMinute: 600, burst: 20))
        #expect(configuration.logLevel == .warning)
        #expect(configuration.producerConfiguration.deliveryTimeout == .milliseconds(2500))
        #expect(configuration.producerConfiguration.enqueueTimeout == .seconds(1))
        #expect(configuration.producerConfiguration.idempotent)
        #expect(configuration.producerConfiguration.linger == .milliseconds(2))
    }

    @Test("errors name the variable", arguments: [
        ([:], "KAFKA_URL"),
        (["KAFKA_URL": "localhost"], "KAFKA_URL"),
        (["KAFKA_URL": "h:1", "ACK_TIMEOUT_MS": "10"], "ACK_TIMEOUT_MS"),
        (["KAFKA_URL": "h:1", "MAX_BATCH_EVENTS": "0"], "MAX_BATCH_EVENTS"),
        (["KAFKA_URL": "h:1", "RATE_LIMIT_PER_MINUTE": "10", "RATE_LIMIT_BURST": "0"], "RATE_LIMIT_BURST"),
        (["KAFKA_URL": "h:1", "LOG_LEVEL": "verbose"], "LOG_LEVEL"),
        (["KAFKA_URL": "h:1", "KAFKA_PREFIX": "a/b"], "KAFKA_PREFIX"),
        (["KAFKA_URL": "kafka+ssl://h:1", "KAFKA_CLIENT_CERT": "not pem"], "KAFKA_CLIENT_CERT"),
    ])
    func namedErrors(_ values: [String: String], _ variable: String) {
        #expect {
            _ = try RelayConfiguration.fromEnvironment(ConfigVars(values))
        } throws: { error in
            (error as? ConfigError)?.variable == variable
        }
    }

    @Test("the --help variable list names every variable the configuration reads")
    func helpListsVariables() {
        let names = Set(RelayConfigVariables.all.map(\.name))
        for variable in [
            "PORT", "HOST", "KAFKA_URL", "KAFKA_TRUSTED_CERT", "KAFKA_CLIENT_CERT", "KAFKA_CLIENT_CERT_KEY",
            "KAFKA_SSL_VERIFY_HOSTNAME", "KAFKA_PREFIX", "API_KEYS", "ADMIN_API_KEYS", "REGISTERED_TOPIC_PARTITIONS", "LEGACY_ROUTES_OPEN", "CORS_ALLOWED_ORIGINS",
            "MAX_BODY_BYTES", "MAX_BATCH_EVENTS", "ACK_TIMEOUT_MS", "KAFKA_LINGER_MS", "RATE_LIMIT_PER_MINUTE", "RATE_LIMIT_BURST", "LOG_LEVEL",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME",
        ] {
            #expect(names.contains(variable), "\(variable)")
            #expect(RelayConfigVariables.all.helpSection.contains(variable))
        }
        #expect(names.count == 24)
    }
}
