import EDMEvents
import EDMKafka
import EDMStatsAPI
import Foundation
import Logging
import ServiceLifecycle

/// Reads `edm-alerts` into ``RecentAlerts``: every partition, outside any group (each stats
/// instance serves the whole list), from the first record of the last `lookback`. Waits for
/// the topic when it does not exist yet (alerts not deployed), and never touches the counts.
public struct AlertFeed: Service {
    let connection: KafkaConnection
    let names: KafkaNames
    let alerts: RecentAlerts
    let lookback: Duration
    let logger: Logger

    public init(
        connection: KafkaConnection, names: KafkaNames, alerts: RecentAlerts, lookback: Duration = .seconds(86_400),
        logger: Logger
    ) {
        self.connection = connection
        self.names = names
        self.alerts = alerts
        self.lookback = lookback
        self.logger = logger
    }

    var topic: String { names.topic(for: AlertProperties.self) }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await follow()
                } catch {
                    logger.warning("reading edm-alerts failed; retrying", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(10))
            }
        }
    }

    /// Assigns every partition of the topic from the lookback and reads until cancelled.
    private func follow() async throws {
        let probe = try KafkaConsumer(
            connection: connection, configuration: KafkaConsumerConfiguration(subscription: .partitions([])), logger: logger)
        let counts = try? await probe.partitionCounts(topics: [topic])
        guard let count = counts?[topic], count > 0 else {
            await probe.close()
            return
        }
        let partitions = (0..<count).map { TopicPartition(topic: topic, partition: $0) }
        let since = Int64(Date().addingTimeInterval(-lookback.inSeconds).timeIntervalSince1970 * 1000)
        let starts = try await probe.offsets(forTimestamps: Dictionary(uniqueKeysWithValues: partitions.map { ($0, since) }))
        await probe.close()
        var configuration = KafkaConsumerConfiguration(
            subscription: .partitions(partitions.map {
                TopicPartitionOffset($0, offset: (starts[$0] ?? -1) >= 0 ? starts[$0]! : KafkaOffset.end)
            }))
        configuration.clientID = "\(names.prefix)edm-stats-alerts"
        configuration.extraProperties = ["fetch.wait.max.ms": "100", "queued.max.messages.kbytes": "2048"]
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        let decoder = EventRecordDecoder(names: names)
        await withTaskCancellationHandler {
            for await message in consumer.messages {
                let record = EventRecord(
                    topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
                    timestampMilliseconds: message.timestampMilliseconds)
                if case .success(let event) = decoder.decode(record), let alert = event.properties(as: AlertProperties.self) {
                    alerts.add([AlertsView.Alert(envelope: event, properties: alert)])
                }
            }
        } onCancel: {
            Task { await consumer.close() }
        }
        await consumer.close()
    }
}
