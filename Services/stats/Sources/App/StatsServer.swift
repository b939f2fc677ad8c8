import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres
import EDMRegistry
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The `stats serve` process: two connection pools (a small one for the consumer so API load
/// can never starve ingest, one for the API), the ingestor, the dedupe pruner and the HTTP API,
/// run as one ServiceGroup that stops in reverse order on SIGTERM: HTTP first, then the pruner,
/// then the ingestor (finishing its batch and leaving the group), then the pools.
public struct StatsServer: Sendable {
    public let configuration: StatsConfiguration
    public let ingestPool: PostgresPool
    public let queryPool: PostgresPool
    public let ingestor: StatsIngestor
    public let pruner: SeenEventPruner
    /// Recent alerts for `GET /v1/alerts`, read from edm-alerts by ``alertFeed``.
    public let alerts = RecentAlerts()
    /// Types registered at runtime (filled by ``registryFollower``): counted, and served by
    /// `/v1/stats/types`.
    public let registry: SchemaRegistry
    private let logger: Logger

    /// Opens the pools, applies the migrations (waiting up to `databaseWait` for PostgreSQL to
    /// accept connections) and creates the consumer. Nothing is consumed until `run`.
    public static func prepare(
        _ configuration: StatsConfiguration, databaseWait: Duration = .seconds(60),
        logger: Logger = Logger(label: "stats")
    ) async throws -> StatsServer {
        // The composition root: in-process tests build it without the command's start-up path.
        PrometheusMetrics.bootstrap()
        var ingestDatabase = configuration.database
        ingestDatabase.poolSize = 2
        ingestDatabase.applicationName = ingestDatabase.applicationName ?? "stats-ingest"
        var queryDatabase = configuration.database
        queryDatabase.applicationName = queryDatabase.applicationName ?? "stats-api"
        let ingestPool = PostgresPool(configuration: ingestDatabase, logger: Logger(label: "stats.postgres.ingest"))
        let queryPool = PostgresPool(configuration: queryDatabase, logger: Logger(label: "stats.postgres.api"))
        do {
            try await StatsDatabase.migrate(pool: ingestPool, waitingUpTo: databaseWait, logger: logger)
            let registry = SchemaRegistry()
            // The group subscribes once with every registered type known now (a second
            // subscription right after start would cost a rebalance).
            _ = await RegistryFollower.catchUp(
                connection: configuration.kafka, prefix: configuration.names.prefix, registry: registry,
                clientID: "edm-stats-registry", logger: Logger(label: "stats.registry"))
            let ingestor = try StatsIngestor(
                connection: configuration.kafka, names: configuration.names, consumerGroup: configuration.consumerGroup,
                pool: ingestPool, settings: configuration.ingest, registry: registry, logger: Logger(label: "stats.ingest"))
            return StatsServer(
                configuration: configuration, ingestPool: ingestPool, queryPool: queryPool, ingestor: ingestor,
                pruner: SeenEventPruner(pool: ingestPool, settings: configuration.ingest), registry: registry, logger: logger)
        } catch {
            await ingestPool.close()
            await queryPool.close()
            throw error
        }
    }

    public var readinessChecks: [ReadinessCheck] {
        let queryPool = self.queryPool
        let ingestor = self.ingestor
        return [
            ReadinessCheck(name: "database") { await queryPool.isReachable() },
            ReadinessCheck(name: "kafka") { await ingestor.isBrokerReachable() },
            ingestor.positionsReadiness,
        ]
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        StatsRouter.make(
            routes: StatsRoutes(queries: StatsQueries(pool: queryPool, registry: configuration.names.registry, registered: registry),
                                registry: configuration.names.registry, tokens: configuration.tokens, alerts: alerts),
            readiness: readinessChecks)
    }

    /// Reads edm-alerts into ``alerts`` (names with the alert kind; the counted topics stay
    /// `configuration.names`, the client events only).
    public var alertFeed: AlertFeed {
        // The prefix was accepted for the same registry's topics plus one shorter name.
        let names = (try? KafkaNames(prefix: configuration.names.prefix, registry: .all)) ?? configuration.names
        return AlertFeed(connection: configuration.kafka, names: names, alerts: alerts, logger: Logger(label: "stats.alerts"))
    }

    /// Follows the schema registry into ``registry`` (with the ingest consumer's metadata).
    public var registryFollower: RegistryFollower {
        RegistryFollower(
            connection: configuration.kafka, prefix: configuration.names.prefix, registry: registry,
            metadata: ingestor.consumer, clientID: "edm-stats-registry", logger: Logger(label: "stats.registry"))
    }

    /// Runs until SIGTERM/SIGINT, then shuts down gracefully.
    public func run() async throws {
        let logger = self.logger
        let listen = configuration.listen
        if configuration.tokens.isOpen {
            logger.warning("STATS_TOKENS is not set: anyone who can reach this service can read the stats")
        }
        let application = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "stats"),
            onServerRunning: { channel in
                logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
            },
            logger: Logger(label: "stats.http"))
        logger.info(
            "starting",
            metadata: [
                "group": "\(configuration.consumerGroup)", "topics": "\(configuration.names.allTopics)",
                "database": "\(configuration.database)", "tokens": configuration.tokens.isOpen ? "none" : "set",
            ])
        // The follower stops before the ingestor whose consumer answers its metadata requests.
        try await ServiceRunner.run(
            [ingestPool, queryPool, ingestor, pruner, alertFeed, registryFollower, application], logger: logger)
        logger.info("stopped")
    }
}
