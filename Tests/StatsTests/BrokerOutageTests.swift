import EDMEvents
import EDMKafka
import EDMPostgres
import Foundation
@testable import StatsService
import TestSupport
import Testing

/// Kafka going away and coming back under a running ingestor (an in-process mock cluster, so
/// the broker can be taken down and brought back on the same port): the readiness check says
/// so in between, and the same consumer counts again afterwards, exactly.
@Suite("Kafka going away under stats")
struct BrokerOutageTests {
    @Test("broker down: the kafka readiness check fails; back: the same consumer counts everything exactly once")
    func consumerComesBack() async throws {
        let cluster = try KafkaMockCluster()
        let names = try KafkaNames(prefix: nil)
        for topic in names.allTopics { try cluster.createTopic(topic, partitions: 2) }
        let databaseURL = try await TestPostgres.freshDatabase()
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: databaseURL), logger: quietLogger)
        try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(10), logger: quietLogger)
        let connection = KafkaConnection(bootstrapServers: [cluster.bootstrapServers])
        let ingestor = try StatsIngestor(
            connection: connection, names: names, consumerGroup: uniqueName("outage"), pool: pool,
            settings: StatsWorld.testSettings, logger: quietLogger)
        let running = RunningIngestor(ingestor)
        let before = Events.mixedStream(count: 120)
        let after = Events.mixedStream(count: 80, start: Events.base.addingTimeInterval(3600))

        func produce(_ events: [EventEnvelope]) async throws {
            let producer = try KafkaProducer(connection: connection, logger: quietLogger)
            let results = await producer.send(events.map { TestMessage.envelope($0).outgoing(names: names) })
            await producer.close()
            #expect(results.allSatisfy { (try? $0.get()) != nil })
        }
        func counted() async throws -> Int64 { try await StatsSnapshot.read(pool).seenEvents }

        try await produce(before)
        try await waitUntil("the first events are counted", timeout: .seconds(45)) { try await counted() == 120 }
        #expect(await ingestor.isBrokerReachable())

        cluster.setBroker(1, up: false)
        try await waitUntil("the readiness check sees the broker gone") { !(await ingestor.isBrokerReachable()) }
        cluster.setBroker(1, up: true)
        try await waitUntil("the readiness check sees the broker back") { await ingestor.isBrokerReachable() }

        try await produce(after)
        try await waitUntil("the later events are counted", timeout: .seconds(60)) { try await counted() == 200 }
        try await running.finish()
        let snapshot = try await StatsSnapshot.read(pool)
        #expect(snapshot.aggregates == ExpectedStats(counting: before + after))
        await pool.close()
    }
}
