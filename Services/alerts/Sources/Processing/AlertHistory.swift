import EDMEvents
import EDMKafka
import Foundation
import Logging

/// Reads back the alerts already published on `edm-alerts` since a point in time, so a
/// restarted process knows which keys are alerting (to resolve them later) and which alert
/// ids exist (not to publish them again). The topic is the only state the service keeps.
struct AlertHistory: Sendable {
    let connection: KafkaConnection
    let names: KafkaNames
    let clientID: String
    let fetchWait: Duration
    let timeout: Duration
    let logger: Logger

    var topic: String { names.topic(for: AlertProperties.self) }

    /// Alerts whose records were written at or after `since` (ms), read with `probe` for the
    /// offsets and a short-lived group-less consumer for the records.
    func read(since: Int64, probe: KafkaConsumer) async throws -> [AlertProperties] {
        let counts = try await probe.partitionCounts(topics: [topic])
        guard let partitionCount = counts[topic], partitionCount > 0 else { return [] }
        let partitions = (0..<partitionCount).map { TopicPartition(topic: topic, partition: $0) }
        let starts = try await probe.offsets(forTimestamps: Dictionary(uniqueKeysWithValues: partitions.map { ($0, since) }))
        var ranges: [TopicPartition: Range<Int64>] = [:]
        for partition in partitions {
            let marks = try await probe.watermarks(partition)
            let start = (starts[partition] ?? -1) < 0 ? marks.high : max(starts[partition]!, marks.low)
            if start < marks.high { ranges[partition] = start..<marks.high }
        }
        guard !ranges.isEmpty else { return [] }
        var configuration = KafkaConsumerConfiguration(
            subscription: .partitions(ranges.map { TopicPartitionOffset($0.key, offset: $0.value.lowerBound) }))
        configuration.clientID = clientID
        configuration.extraProperties = ["fetch.wait.max.ms": String(fetchWait.milliseconds)]
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        do {
            let alerts = try await drain(consumer, ranges: ranges)
            await consumer.close()
            return alerts
        } catch {
            await consumer.close()
            throw error
        }
    }

    private func drain(_ consumer: KafkaConsumer, ranges: [TopicPartition: Range<Int64>]) async throws -> [AlertProperties] {
        var ranges = ranges
        let decoder = EventRecordDecoder(names: names)
        let deadline = ContinuousClock.now + timeout
        var alerts: [AlertProperties] = []
        while !ranges.isEmpty {
            guard ContinuousClock.now < deadline else { throw AlertHistoryError.timedOut(remaining: ranges.count) }
            for message in await consumer.nextBatch(maxCount: 1_000, waitingAtMost: .milliseconds(250)) {
                guard let range = ranges[message.topicPartition], message.offset < range.upperBound else { continue }
                if message.offset >= range.upperBound - 1 { ranges[message.topicPartition] = nil }
                let record = EventRecord(
                    topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
                    timestampMilliseconds: message.timestampMilliseconds)
                if case .success(let event) = decoder.decode(record), let alert = event.properties(as: AlertProperties.self) {
                    alerts.append(alert)
                }
            }
        }
        return alerts
    }
}

enum AlertHistoryError: Error, CustomStringConvertible {
    case timedOut(remaining: Int)

    var description: String {
        switch self {
        case .timedOut(let remaining): "reading back edm-alerts timed out with \(remaining) partitions unread"
        }
    }
}
