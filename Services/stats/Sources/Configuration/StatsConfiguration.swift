import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres

/// Everything `stats serve` reads from its config vars, parsed once at start-up so a bad value
/// stops the process with the variable's name instead of failing on first use.
public struct StatsConfiguration: Sendable {
    public var listen: ListenAddress
    public var database: PostgresConfiguration
    public var kafka: KafkaConnection
    /// Topic and group names on the cluster (`KAFKA_PREFIX` applied).
    public var names: KafkaNames
    /// The consumer group as it exists on the cluster (prefixed).
    public var consumerGroup: String
    public var ingest: IngestSettings
    /// Bearer tokens the API accepts (`STATS_TOKENS`); empty: the API is open.
    public var tokens: BearerTokens

    public init(
        listen: ListenAddress, database: PostgresConfiguration, kafka: KafkaConnection, names: KafkaNames,
        consumerGroup: String, ingest: IngestSettings = IngestSettings(), tokens: BearerTokens = BearerTokens([])
    ) {
        self.listen = listen
        self.database = database
        self.kafka = kafka
        self.names = names
        self.consumerGroup = consumerGroup
        self.ingest = ingest
        self.tokens = tokens
    }

    /// The port `stats` listens on when `PORT` is unset (local runs; Heroku always sets it).
    public static let defaultPort = 5002

    /// Reads PORT, HOST, DATABASE_URL (+ DATABASE_POOL_SIZE, ...), KAFKA_URL (+ KAFKA_TRUSTED_CERT,
    /// KAFKA_CLIENT_CERT, KAFKA_CLIENT_CERT_KEY, KAFKA_PREFIX), STATS_CONSUMER_GROUP (or the
    /// reference's KAFKA_CONSUMER_GROUP), STATS_TOKENS and the STATS_* tuning variables of ``IngestSettings``.
    public static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> StatsConfiguration {
        let database = try PostgresConfiguration.fromEnvironment(environment)
        let kafka = try KafkaConnection.fromEnvironment(environment)
        let names = try kafkaNames(environment)
        return StatsConfiguration(
            listen: try ListenAddress.fromEnvironment(environment, defaultPort: defaultPort),
            database: database,
            kafka: kafka,
            names: names,
            consumerGroup: try consumerGroup(environment, names: names),
            ingest: try IngestSettings.fromEnvironment(environment),
            tokens: BearerTokens(environment: environment, variable: "STATS_TOKENS"))
    }

    static func kafkaNames(_ environment: ConfigVars) throws(ConfigError) -> KafkaNames {
        do {
            return try KafkaNames(prefix: environment["KAFKA_PREFIX"])
        } catch {
            throw .invalid(variable: "KAFKA_PREFIX", reason: error.description)
        }
    }

    /// `STATS_CONSUMER_GROUP`, else the reference's `KAFKA_CONSUMER_GROUP`, else
    /// `edm-consumer-group-2`; always given without the prefix, which is added here.
    static func consumerGroup(_ environment: ConfigVars, names: KafkaNames) throws(ConfigError) -> String {
        for variable in ["STATS_CONSUMER_GROUP", "KAFKA_CONSUMER_GROUP"] {
            guard let raw = environment[variable] else { continue }
            let name = raw.trimmingWhitespace
            guard name.utf8.count <= 200, name.utf8.allSatisfy(Self.isLegalGroupByte) else {
                throw .invalid(variable: variable, reason: "a group name allows only A-Z a-z 0-9 . _ - (at most 200)")
            }
            return names.prefix + name
        }
        return names.consumerGroup(.stats)
    }

    private static func isLegalGroupByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
