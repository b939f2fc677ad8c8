import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import Logging

/// Everything the relay needs to run, parsed and checked once at start-up so a bad config var
/// stops the process with its name instead of failing on the first request.
public struct RelayConfiguration: Sendable {
    public var listen: ListenAddress
    public var kafka: KafkaConnection
    /// Topic names (with `KAFKA_PREFIX`).
    public var names: KafkaNames
    public var apiKeys: BearerTokens
    /// The event types each restricted key may post (`API_KEYS=key:signup+click`).
    public var keyScopes: KeyScopes
    /// Keys allowed to register event types; empty: registration disabled.
    public var adminKeys: BearerTokens
    /// Partitions of a registered type's topic when its registration names none.
    public var registeredTopicPartitions: Int
    /// Lets the legacy routes through without a key (browser clients cannot keep one secret).
    public var legacyRoutesOpen: Bool
    public var cors: CORSPolicy
    public var limits: IngestLimits
    /// How long a request waits for the broker's acknowledgement; also the producer's message timeout.
    public var ackTimeout: Duration
    /// How long the producer waits to fill a batch (`linger.ms`). Every request waits for its ack,
    /// so this adds to each answer's latency. 0 by default: messages enqueued while a broker
    /// request is in flight still go out together in the next one, and a 1 ms linger made
    /// single-event requests latency-bound (5.0k vs 8.4k req/s at 16 connections, same CPU per request).
    public var linger: Duration
    /// nil: no rate limit.
    public var rateLimit: RateLimit?
    public var logLevel: Logger.Level
    /// Serves `POST /v1/noop`, which reads the body and answers 202 without parsing or producing:
    /// the benchmark's baseline for the HTTP stack alone. Off in production.
    public var noopRoute: Bool

    /// Defaults are the production defaults except `listen`, which suits tests (loopback, a free port).
    public init(
        listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 0), kafka: KafkaConnection,
        apiKeys: BearerTokens = BearerTokens([]), legacyRoutesOpen: Bool = false,
        cors: CORSPolicy = .disabled, limits: IngestLimits = .default, ackTimeout: Duration = .seconds(5),
        linger: Duration = .zero,
        rateLimit: RateLimit? = nil, logLevel: Logger.Level = .info, noopRoute: Bool = false,
        adminKeys: BearerTokens = BearerTokens([]), registeredTopicPartitions: Int = 8, keyScopes: KeyScopes = KeyScopes()
    ) throws(ConfigError) {
        self.keyScopes = keyScopes
        self.adminKeys = adminKeys
        self.registeredTopicPartitions = registeredTopicPartitions
        self.listen = listen
        self.kafka = kafka
        do {
            names = try KafkaNames(prefix: kafka.prefix)
        } catch {
            throw .invalid(variable: "KAFKA_PREFIX", reason: error.description)
        }
        self.apiKeys = apiKeys
        self.legacyRoutesOpen = legacyRoutesOpen
        self.cors = cors
        self.limits = limits
        self.ackTimeout = ackTimeout
        self.linger = linger
        self.rateLimit = rateLimit
        self.logLevel = logLevel
        self.noopRoute = noopRoute
    }

    /// Reads the config vars listed in `RelayConfigVariables`; every error names its variable.
    public static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> RelayConfiguration {
        let kafka = try KafkaConnection.fromEnvironment(environment)
        let levelText = environment["LOG_LEVEL"]?.trimmingWhitespace.lowercased() ?? "info"
        guard let logLevel = Logger.Level(rawValue: levelText) else {
            throw .invalid(
                variable: "LOG_LEVEL",
                reason: "expected trace, debug, info, notice, warning, error or critical, got \(levelText.debugDescription)")
        }
        let perMinute = try environment.integer("RATE_LIMIT_PER_MINUTE", default: 0, range: 0...10_000_000)
        var rateLimit: RateLimit?
        if perMinute > 0 {
            let burst = try environment.integer(
                "RATE_LIMIT_BURST", default: max(1, perMinute / 6), range: 1...10_000_000)
            rateLimit = RateLimit(requestsPerMinute: perMinute, burst: burst)
        }
        let keys = try KeyScopes.parse(environment.list("API_KEYS"), variable: "API_KEYS")
        return try RelayConfiguration(
            listen: try ListenAddress.fromEnvironment(environment, defaultPort: 8080),
            kafka: kafka,
            apiKeys: BearerTokens(keys.keys),
            legacyRoutesOpen: try environment.boolean("LEGACY_ROUTES_OPEN", default: false),
            cors: try CORSPolicy(environment: environment, variable: "CORS_ALLOWED_ORIGINS"),
            limits: IngestLimits(
                maxBodyBytes: try environment.integer(
                    "MAX_BODY_BYTES", default: IngestLimits.default.maxBodyBytes, range: 1024...64 * 1024 * 1024),
                maxBatchEvents: try environment.integer(
                    "MAX_BATCH_EVENTS", default: IngestLimits.default.maxBatchEvents, range: 1...100_000)),
            ackTimeout: .milliseconds(try environment.integer("ACK_TIMEOUT_MS", default: 5000, range: 100...300_000)),
            linger: .milliseconds(try environment.integer("KAFKA_LINGER_MS", default: 0, range: 0...1000)),
            rateLimit: rateLimit,
            logLevel: logLevel,
            adminKeys: BearerTokens(environment: environment, variable: "ADMIN_API_KEYS"),
            registeredTopicPartitions: try environment.integer("REGISTERED_TOPIC_PARTITIONS", default: 8, range: 1...1000),
            keyScopes: keys.scopes)
    }

    /// The producer settings that make `ackTimeout` a real bound: librdkafka fails a message it
    /// could not deliver within the message timeout, and a full local queue is given up on after
    /// at most one second, so a request waits at most `ackTimeout` + 1 s. Idempotent, acks=all.
    public var producerConfiguration: KafkaProducerConfiguration {
        var configuration = KafkaProducerConfiguration()
        configuration.clientID = "edm-relay"
        configuration.deliveryTimeout = ackTimeout
        configuration.linger = linger
        configuration.enqueueTimeout = min(ackTimeout, .seconds(1))
        // Reconnect to a broker that came back within a second, not librdkafka's default 10 s,
        // so the relay stops answering 503 soon after an outage ends.
        configuration.extraProperties["reconnect.backoff.max.ms"] = "1000"
        return configuration
    }

    /// Seconds a client should wait before retrying after the broker failed to acknowledge.
    var retryAfterSeconds: Int {
        let (seconds, attoseconds) = ackTimeout.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}

/// Size limits of one request.
public struct IngestLimits: Sendable, Hashable {
    /// Largest body read; checked against Content-Length before reading and while reading.
    public var maxBodyBytes: Int
    /// Most events in one batch, which bounds one request's share of the producer queue.
    public var maxBatchEvents: Int
    /// Per-event rules (time window, largest single event), shared with every consumer.
    public var validation: ValidationLimits

    public init(maxBodyBytes: Int = 1_048_576, maxBatchEvents: Int = 500, validation: ValidationLimits = .default) {
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchEvents = maxBatchEvents
        self.validation = validation
    }

    public static let `default` = IngestLimits()
}

/// A token bucket per client: `burst` requests at once, refilled at `requestsPerMinute`.
public struct RateLimit: Sendable, Hashable {
    public var requestsPerMinute: Int
    public var burst: Int

    public init(requestsPerMinute: Int, burst: Int) {
        self.requestsPerMinute = requestsPerMinute
        self.burst = burst
    }
}
