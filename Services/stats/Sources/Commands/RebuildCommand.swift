import ArgumentParser
import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres
import Foundation
import Logging

/// `stats rebuild`: throw the projection away and recompute it from the log.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Wipe the aggregates and stored offsets; the consumers then replay every topic from the earliest offset.",
        discussion: """
            Empties every aggregate, the stored offsets and the remembered event ids in one \
            transaction and starts a new rebuild epoch. Running stats processes notice within a few \
            seconds and replay their partitions from the earliest offset; stopped ones replay when \
            they start. Meanwhile the API serves the partial counts.

            Refuses when Kafka no longer holds a topic's oldest events (retention removed them), \
            because the rebuilt counts would be lower than today's; --allow-partial accepts that. \
            Reads DATABASE_URL, KAFKA_URL (and the other KAFKA_* vars).
            """)

    @Flag(help: "Rebuild even though retention already removed some events from the topics.")
    var allowPartial = false

    func run() async throws {
        let (database, kafka, names) = try ServiceStartup.load("stats rebuild") { environment throws(ConfigError) in
            (
                try PostgresConfiguration.fromEnvironment(environment), try KafkaConnection.fromEnvironment(environment),
                try StatsConfiguration.kafkaNames(environment)
            )
        }
        let logger = Logger(label: "stats.rebuild")
        let trimmed = try await Self.trimmedPartitions(kafka: kafka, counted: names.isCounted, logger: logger)
        if !trimmed.isEmpty && !allowPartial {
            let list = trimmed.map { "\($0.partition) (earliest retained offset \($0.low))" }.joined(separator: ", ")
            LogfmtLogHandler.standardError(
                "refusing to rebuild: retention already removed events from \(list); the rebuilt counts would be "
                    + "lower than the current ones. Run with --allow-partial to rebuild anyway.")
            throw ExitCode.failure
        }
        let pool = PostgresPool(configuration: database, logger: logger)
        do {
            try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(30), logger: logger)
            let epoch = try await StatsDatabase.wipeForRebuild(pool: pool)
            await pool.close()
            logger.info("aggregates wiped; consumers replay from the earliest offsets", metadata: ["epoch": "\(epoch)"])
            print("rebuild started (epoch \(epoch)): running stats processes replay every topic from the earliest offset")
        } catch {
            await pool.close()
            logger.error("rebuild failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }

    /// Partitions of the counted topics (built-in and registered types', from cluster metadata)
    /// whose earliest retained offset is above 0.
    static func trimmedPartitions(
        kafka: KafkaConnection, counted: (String) -> Bool, logger: Logger
    ) async throws -> [(partition: TopicPartition, low: Int64)] {
        var configuration = KafkaConsumerConfiguration(subscription: .partitions([]))
        configuration.clientID = "stats-rebuild"
        let consumer = try KafkaConsumer(connection: kafka, configuration: configuration, logger: logger)
        do {
            var trimmed: [(TopicPartition, Int64)] = []
            let counts = try await consumer.partitionCounts(topics: nil)
            for (topic, count) in counts.sorted(by: { $0.key < $1.key }) where counted(topic) {
                for partition in 0..<count {
                    let marks = try await consumer.watermarks(TopicPartition(topic: topic, partition: partition))
                    if marks.low > 0 { trimmed.append((TopicPartition(topic: topic, partition: partition), marks.low)) }
                }
            }
            await consumer.close()
            return trimmed
        } catch {
            await consumer.close()
            throw error
        }
    }
}
