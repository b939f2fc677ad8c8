import ArgumentParser
import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres
import Logging

/// `stats reset-positions`: the operator's answer to a held partition (a stored position
/// outside its log, see `STATS_ON_POSITION_RESET`). Moves only positions that lie outside their
/// partition's log, so running it on a healthy system changes nothing.
struct ResetPositionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-positions",
        abstract: "Move stored positions that lie outside their partition's log to the log's start.",
        discussion: """
            A stored position beyond a partition's end (a new cluster, a recreated topic) or before \
            its start (retention deleted events never counted) is moved to the first offset the \
            partition still holds, and the reset is recorded in stats_position_resets with the \
            events it cost (lost_events). The aggregates are kept. Positions inside their log are \
            left alone. Running stats processes resume the held partitions within seconds. Reads \
            DATABASE_URL, KAFKA_URL (and the other KAFKA_* vars); --topic takes an event topic \
            (edm-ui-click, edm-ui-pageload) with or without KAFKA_PREFIX.
            """)

    @Flag(help: "Every partition of every event topic.")
    var all = false

    @Option(help: "Only this topic.")
    var topic: String?

    @Option(help: "Only this partition of --topic.")
    var partition: Int32?

    func validate() throws {
        guard all != (topic != nil) else { throw ValidationError("give either --all or --topic") }
        if partition != nil && topic == nil { throw ValidationError("--partition needs --topic") }
    }

    func run() async throws {
        let (database, kafka, names) = try ServiceStartup.load("stats reset-positions") { environment throws(ConfigError) in
            (
                try PostgresConfiguration.fromEnvironment(environment), try KafkaConnection.fromEnvironment(environment),
                try StatsConfiguration.kafkaNames(environment)
            )
        }
        let logger = Logger(label: "stats.reset-positions")
        let selected = try selection(names: names)
        let pool = PostgresPool(configuration: database, logger: logger)
        do {
            try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(30), logger: logger)
            let outcome = try await PositionResetter(
                store: IngestStore(pool: pool), kafka: kafka, logger: logger
            ).resetConflicts(where: selected)
            await pool.close()
            for reset in outcome.resets {
                print("reset \(reset.partition) from \(reset.stored) to \(reset.low) (\(reset.kind.rawValue), \(reset.lostEvents) events lost)")
            }
            for (partition, error) in outcome.unchecked {
                print("not checked: \(partition) (the cluster did not give its watermarks: \(error))")
            }
            if outcome.resets.isEmpty && outcome.unchecked.isEmpty {
                print("no stored position lies outside its partition's log; nothing reset")
            }
            if !outcome.unchecked.isEmpty { throw ExitCode.failure }
        } catch {
            await pool.close()
            logger.error("reset-positions failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }

    /// Which stored partitions to consider.
    private func selection(names: KafkaNames) throws -> @Sendable (TopicPartition) -> Bool {
        guard let topic else { return { names.isCounted($0.topic) } }
        let full = names.isCounted(topic) ? topic : names.prefix + topic
        guard names.isCounted(full) else {
            throw ValidationError(
                "unknown topic \(topic); the event topics are \(names.allTopics.joined(separator: ", ")) "
                    + "and those of registered types (\(names.prefix)edm-ui-<type>)")
        }
        let number = partition
        return { $0.topic == full && (number == nil || $0.partition == number) }
    }
}

/// The command's work: compare stored positions with the partitions' watermarks and reset the
/// conflicting ones (each with its audit row, in one statement).
struct PositionResetter: Sendable {
    let store: IngestStore
    let kafka: KafkaConnection
    let logger: Logger

    struct Outcome: Sendable {
        var resets: [PositionConflict] = []
        /// Partitions whose watermarks the cluster did not give (such as a partition the
        /// recreated topic no longer has): left as they are.
        var unchecked: [(TopicPartition, String)] = []
    }

    func resetConflicts(where selected: @Sendable (TopicPartition) -> Bool) async throws -> Outcome {
        let stored = try await store.allStoredPositions().filter { selected($0.key) }.sorted { $0.key < $1.key }
        guard !stored.isEmpty else { return Outcome() }
        var configuration = KafkaConsumerConfiguration(subscription: .partitions([]))
        configuration.clientID = "stats-reset-positions"
        let consumer = try KafkaConsumer(connection: kafka, configuration: configuration, logger: logger)
        do {
            var outcome = Outcome()
            for (partition, offset) in stored {
                let marks: (low: Int64, high: Int64)
                do {
                    marks = try await consumer.watermarks(partition)
                } catch {
                    outcome.unchecked.append((partition, "\(error)"))
                    continue
                }
                guard let conflict = PositionConflict.check(partition, stored: offset, low: marks.low, high: marks.high),
                    try await store.resetPosition(conflict, by: "stats reset-positions")
                else { continue }
                logger.error(
                    "stored position outside the partition's log; moved it to the log's start and recorded it",
                    metadata: [
                        "topic": "\(partition.topic)", "partition": "\(partition.partition)", "stored_offset": "\(offset)",
                        "low_watermark": "\(marks.low)", "high_watermark": "\(marks.high)",
                        "kind": "\(conflict.kind.rawValue)", "lost_events": "\(conflict.lostEvents)",
                    ])
                outcome.resets.append(conflict)
            }
            await consumer.close()
            return outcome
        } catch {
            await consumer.close()
            throw error
        }
    }
}
