import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres
import EDMRegistry
import Foundation
import Hummingbird
import Logging
@testable import StatsService
import TestSupport
import Testing

/// One test's world: its own edm-broker (every event topic) and its own fresh database with the
/// stats schema, plus the helpers to produce to the first and read the second.
struct StatsWorld: Sendable {
    let broker: TestBroker
    let databaseURL: String
    /// For assertions (and for routers under test).
    let pool: PostgresPool
    let names: KafkaNames
    let group: String
    let partitions: Int

    static func make(partitions: Int = 4) async throws -> StatsWorld {
        let names = try KafkaNames(prefix: nil)
        async let broker = TestBroker(topics: names.allTopics.map { "\($0):\(partitions)" })
        async let url = TestPostgres.freshDatabase()
        let databaseURL = try await url
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: databaseURL), logger: quietLogger)
        try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(10), logger: quietLogger)
        return StatsWorld(
            broker: try await broker, databaseURL: databaseURL, pool: pool, names: names,
            group: uniqueName("stats-test"), partitions: partitions)
    }

    var connection: KafkaConnection { KafkaConnection(bootstrapServers: [broker.bootstrapServers]) }

    /// Test-sized settings: quick rebalances, quick idle checks, quick retries.
    static var testSettings: IngestSettings {
        var settings = IngestSettings()
        settings.sessionTimeout = .seconds(3)
        settings.maxBatchMessages = 500
        settings.maxBatchWait = .milliseconds(5)
        settings.idleCheckInterval = .milliseconds(300)
        settings.retryMaximumBackoff = .milliseconds(300)
        settings.revokeWait = .seconds(3)
        settings.shutdownGrace = .seconds(3)
        settings.lagInterval = .milliseconds(500)
        return settings
    }

    func configuration(port: Int = 0, settings: IngestSettings = StatsWorld.testSettings) throws -> StatsConfiguration {
        StatsConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: port),
            database: try PostgresConfiguration(url: databaseURL), kafka: connection, names: names,
            consumerGroup: group, ingest: settings)
    }

    /// An in-process consumer in this world's group (not yet running).
    func ingestor(
        settings: IngestSettings = StatsWorld.testSettings, pool: PostgresPool? = nil, registry: SchemaRegistry? = nil
    ) throws -> StatsIngestor {
        try StatsIngestor(
            connection: connection, names: names, consumerGroup: group, pool: pool ?? self.pool,
            settings: settings, registry: registry, logger: quietLogger)
    }

    /// Environment for the built `stats` executable.
    func executableEnvironment(port: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["KAFKA_URL"] = broker.bootstrapServers
        environment["PORT"] = String(port)
        environment["HOST"] = "127.0.0.1"
        environment["STATS_CONSUMER_GROUP"] = group
        environment["STATS_SESSION_TIMEOUT_MS"] = "3000"
        environment["STATS_BATCH_MAX_MESSAGES"] = "300"
        environment["LOG_LEVEL"] = "warning"
        return environment
    }

    func producer() throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration()
        configuration.linger = .milliseconds(1)
        return try KafkaProducer(connection: connection, configuration: configuration, logger: quietLogger)
    }

    /// Produces every message and fails unless the broker acknowledged all of them.
    func produce(_ messages: [TestMessage], with producer: KafkaProducer) async throws {
        let results = await producer.send(messages.map { $0.outgoing(names: names) })
        let failures = results.filter { (try? $0.get()) == nil }.count
        try #require(failures == 0, "\(failures) of \(messages.count) messages were not acknowledged")
    }

    func produce(_ messages: [TestMessage]) async throws {
        let producer = try producer()
        try await produce(messages, with: producer)
        await producer.close()
    }

    /// The sum of every partition's high watermark: how many messages the topics hold.
    func producedMessageCount() async throws -> Int64 {
        var configuration = KafkaConsumerConfiguration(subscription: .partitions([]))
        configuration.clientID = "watermarks"
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: quietLogger)
        var total: Int64 = 0
        for topic in names.allTopics {
            for partition in 0..<Int32(partitions) {
                total += try await consumer.watermarks(TopicPartition(topic: topic, partition: partition)).high
            }
        }
        await consumer.close()
        return total
    }

    func snapshot() async throws -> StatsSnapshot {
        try await StatsSnapshot.read(pool)
    }

    /// Waits until the stored offsets cover every produced message (everything committed).
    func waitUntilCaughtUp(timeout: Duration = .seconds(45)) async throws {
        let produced = try await producedMessageCount()
        try await waitUntil("all \(produced) messages committed", timeout: timeout) {
            try await snapshot().offsets.values.reduce(0, +) == produced
        }
    }

    /// Runs the router against this world's database (or `pool`), without sockets.
    func router(
        pool: PostgresPool? = nil, readiness: [ReadinessCheck] = [], tokens: [String] = [], registered: SchemaRegistry? = nil
    ) -> Router<BasicRequestContext> {
        StatsRouter.make(
            routes: StatsRoutes(
                queries: StatsQueries(pool: pool ?? self.pool, registered: registered), registry: names.registry,
                tokens: BearerTokens(tokens)),
            readiness: readiness)
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "stats-test")
    logger.logLevel = .critical
    return logger
}()


/// Runs an ingestor in the background; `finish()` stops it and waits for it to return.
final class RunningIngestor: Sendable {
    let ingestor: StatsIngestor
    private let task: Task<Void, any Error>

    init(_ ingestor: StatsIngestor) {
        self.ingestor = ingestor
        task = Task { try await ingestor.run() }
    }

    func finish() async throws {
        ingestor.stop()
        try await task.value
    }
}

extension PostgresPool {
    /// Runs several statements (fixtures such as triggers) on one pooled connection.
    func connectionScript(_ sql: String) async throws {
        try await withConnection { connection in try await connection.executeScript(sql) }
    }
}
