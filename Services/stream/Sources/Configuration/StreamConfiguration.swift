import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka

/// Everything the stream service reads from its config vars, typed and checked once at start-up
/// so a bad value stops the process with the variable named instead of misbehaving later.
public struct StreamConfiguration: Sendable {
    public var listen: ListenAddress
    public var kafka: KafkaConnection
    public var names: KafkaNames
    /// Accepted client tokens; empty runs open (with a warning at start-up).
    public var tokens: BearerTokens
    /// Which types each token reads (scoped and public tokens); setting it sets ``tokens``.
    public var access = StreamAccess() {
        didSet { tokens = access.tokens }
    }
    /// Most clients at once per public token and client address.
    public var maxClientsPerPublicAddress: Int = 10
    /// Sends pageload `userAgent` as an empty string (personal data; `deviceType` stays).
    public var redactUserAgent: Bool = true
    /// Events waiting for one client before its overflow policy applies.
    public var clientQueueCapacity: Int = 1000
    public var overflowPolicy: OverflowPolicy = .drop
    /// Connected clients plus upgrades in progress; more are refused with 503 before the upgrade.
    public var maxClients: Int = 10_000
    /// Most clients at once per token, or per client address without tokens.
    public var maxClientsPerOwner: Int = 1_000
    /// Largest frame or message a client may send (and the WebSocket frame limit).
    public var maxFrameSize: Int = 64 * 1024
    /// Heartbeat: the server pings this often and closes a client whose previous ping went unanswered.
    public var pingInterval: Duration = .seconds(30)
    /// A client whose socket has accepted nothing for this long while a frame waits is disconnected.
    public var stallTimeout: Duration = .seconds(60)
    /// Idle keep-alive HTTP connections (not upgraded) are closed after this long.
    public var httpIdleTimeout: Duration = .seconds(60)
    /// Recent events kept in memory to serve `last=`/`since=` without reading Kafka.
    public var recentEventCapacity: Int = 10_000
    /// Upper bound of `last=N`.
    public var maxReplayCount: Int = 10_000
    /// How long one replay (history plus catching up with live) may take.
    public var replayTimeout: Duration = .seconds(30)
    /// Replays reading Kafka at the same time; others wait their turn.
    public var maxConcurrentKafkaReplays: Int = 4
    /// librdkafka `fetch.wait.max.ms`: a real broker answers as soon as data arrives, but the mock
    /// cluster waits the full time when a partition is empty, which bounds live latency there.
    public var fetchWait: Duration = .milliseconds(100)
    /// The fan-out runs at most this often, with every event since (0: per fetched batch). Trades
    /// up to this much latency for far fewer socket writes per client under load.
    public var publishInterval: Duration = .milliseconds(10)
    /// How often partition counts are re-read so partitions added to a topic are picked up.
    public var partitionRefreshInterval: Duration = .seconds(30)
    /// How long shutdown waits for clients to take their last frames and the close (1001).
    public var shutdownGrace: Duration = .seconds(10)
    /// Names this process in logs and Kafka client ids (DYNO on Heroku).
    public var instanceID: String = "stream"
    /// Extra librdkafka properties for the live and replay consumers.
    public var consumerProperties: [String: String] = [:]

    public init(listen: ListenAddress, kafka: KafkaConnection, names: KafkaNames, tokens: BearerTokens = BearerTokens([])) {
        self.listen = listen
        self.kafka = kafka
        self.names = names
        self.tokens = tokens
    }

    /// Reads the variables listed in ``variables``; every error names its variable.
    public static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> StreamConfiguration {
        let kafka = try KafkaConnection.fromEnvironment(environment)
        let names: KafkaNames
        do {
            // Every kind on the cluster, alerts included (`types=alert`).
            names = try KafkaNames(prefix: kafka.prefix, registry: .all)
        } catch {
            throw .invalid(variable: "KAFKA_PREFIX", reason: error.description)
        }
        var configuration = StreamConfiguration(
            listen: try ListenAddress.fromEnvironment(environment, defaultPort: 5003),
            kafka: kafka, names: names)
        configuration.access = try StreamAccess.fromEnvironment(environment)
        configuration.redactUserAgent = try environment.boolean("STREAM_REDACT_USER_AGENT", default: true)
        configuration.clientQueueCapacity = try environment.integer("STREAM_QUEUE_SIZE", default: 1000, range: 1...1_000_000)
        if let policy = environment["STREAM_OVERFLOW"] {
            guard let parsed = OverflowPolicy(rawValue: policy.trimmingWhitespace.lowercased()) else {
                throw .invalid(variable: "STREAM_OVERFLOW", reason: "expected drop or close, got \(policy.debugDescription)")
            }
            configuration.overflowPolicy = parsed
        }
        configuration.maxClients = try environment.integer("STREAM_MAX_CLIENTS", default: 10_000, range: 1...1_000_000)
        configuration.maxClientsPerOwner = try environment.integer(
            "STREAM_MAX_CLIENTS_PER_TOKEN", default: 1_000, range: 1...1_000_000)
        configuration.maxClientsPerPublicAddress = try environment.integer(
            "STREAM_MAX_CLIENTS_PER_PUBLIC_ADDRESS", default: 10, range: 1...1_000_000)
        configuration.maxFrameSize = try environment.integer(
            "STREAM_MAX_FRAME_BYTES", default: 64 * 1024, range: 1024...16 * 1024 * 1024)
        configuration.pingInterval = .seconds(
            try environment.integer("STREAM_PING_INTERVAL_SECONDS", default: 30, range: 1...3600))
        configuration.stallTimeout = .seconds(
            try environment.integer("STREAM_STALL_TIMEOUT_SECONDS", default: 60, range: 1...3600))
        configuration.httpIdleTimeout = .seconds(
            try environment.integer("STREAM_IDLE_TIMEOUT_SECONDS", default: 60, range: 1...3600))
        configuration.recentEventCapacity = try environment.integer(
            "STREAM_RECENT_EVENTS", default: 10_000, range: 0...1_000_000)
        configuration.maxReplayCount = try environment.integer("STREAM_REPLAY_MAX", default: 10_000, range: 1...1_000_000)
        configuration.replayTimeout = .seconds(
            try environment.integer("STREAM_REPLAY_TIMEOUT_SECONDS", default: 30, range: 1...3600))
        configuration.fetchWait = .milliseconds(
            try environment.integer("STREAM_FETCH_WAIT_MS", default: 100, range: 1...10_000))
        configuration.publishInterval = .milliseconds(
            try environment.integer("STREAM_PUBLISH_INTERVAL_MS", default: 10, range: 0...1000))
        configuration.shutdownGrace = .seconds(
            try environment.integer("STREAM_SHUTDOWN_GRACE_SECONDS", default: 10, range: 0...300))
        configuration.instanceID = environment["STREAM_INSTANCE_ID"] ?? environment["DYNO"]
            ?? environment["HOSTNAME"] ?? "stream"
        return configuration
    }

    /// Kafka client id of one of this instance's consumers. It starts with KAFKA_PREFIX because
    /// librdkafka derives the (never joined) group id of a direct assignment from it, and
    /// multi-tenant clusters only authorise prefixed group names.
    func clientID(role: String) -> String {
        "\(names.prefix)edm-stream-\(instanceID)-\(role)"
    }

    /// The config vars, for `--help` (kept next to the reader so the two cannot drift apart).
    public static let variables: [ConfigVariable] =
        StandardConfigVariables.listen(defaultPort: 5003) + StandardConfigVariables.kafka + [
            ConfigVariable(
                "STREAM_TOKENS",
                "Comma list of accepted client tokens (Authorization: Bearer or ?token=); TOKEN:type+type reads only those types. "
                    + "Unset (and no public tokens): open, with a warning."),
            ConfigVariable(
                "STREAM_PUBLIC_TOKENS", "Comma list of read-only public tokens: they read only STREAM_PUBLIC_TYPES."),
            ConfigVariable("STREAM_PUBLIC_TYPES", "Comma list of the types public tokens may read (required with STREAM_PUBLIC_TOKENS)."),
            ConfigVariable(
                "STREAM_MAX_CLIENTS_PER_PUBLIC_ADDRESS", default: "10",
                "Most clients at once per public token and client address; more get 429."),
            ConfigVariable("STREAM_REDACT_USER_AGENT", default: "true", "true sends pageload userAgent as \"\"; false sends it."),
            ConfigVariable("STREAM_QUEUE_SIZE", default: "1000", "Events queued per client before its overflow policy applies."),
            ConfigVariable(
                "STREAM_OVERFLOW", default: "drop",
                "drop (drop, then send {\"kind\":\"dropped\",\"count\":N}) or close (close code 4000)."),
            ConfigVariable("STREAM_MAX_CLIENTS", default: "10000", "Most clients at once; more get 503 before the upgrade."),
            ConfigVariable(
                "STREAM_MAX_CLIENTS_PER_TOKEN", default: "1000",
                "Most clients at once per token (per client address when the stream has no tokens); more get 429."),
            ConfigVariable("STREAM_MAX_FRAME_BYTES", default: "65536", "Largest message a client may send."),
            ConfigVariable("STREAM_PING_INTERVAL_SECONDS", default: "30", "Ping period; a client that misses a pong is closed."),
            ConfigVariable(
                "STREAM_STALL_TIMEOUT_SECONDS", default: "60", "Disconnect a client whose socket accepts nothing for this long."),
            ConfigVariable("STREAM_IDLE_TIMEOUT_SECONDS", default: "60", "Close idle HTTP keep-alive connections after this long."),
            ConfigVariable("STREAM_RECENT_EVENTS", default: "10000", "Events kept in memory for fast replay."),
            ConfigVariable("STREAM_REPLAY_MAX", default: "10000", "Largest last=N."),
            ConfigVariable("STREAM_REPLAY_TIMEOUT_SECONDS", default: "30", "Time a replay may take before the client is closed."),
            ConfigVariable("STREAM_FETCH_WAIT_MS", default: "100", "Consumer fetch.wait.max.ms (lower it on the mock broker)."),
            ConfigVariable(
                "STREAM_PUBLISH_INTERVAL_MS", default: "10", "Fan out at most this often, with all events since (fewer socket writes)."),
            ConfigVariable("STREAM_SHUTDOWN_GRACE_SECONDS", default: "10", "Time clients get to take the close (1001) on SIGTERM."),
            ConfigVariable("STREAM_INSTANCE_ID", default: "DYNO, then HOSTNAME", "Name of this instance in logs."),
            StandardConfigVariables.logLevel,
        ] + StandardConfigVariables.tracing
}

/// What happens to a client whose queue is full.
public enum OverflowPolicy: String, Sendable, CaseIterable {
    /// Drop new events and, once the client catches up, send `{"kind":"dropped","count":N}` at
    /// the place of the gap.
    case drop
    /// Close the connection with code 4000 (`slow consumer`).
    case close
}
