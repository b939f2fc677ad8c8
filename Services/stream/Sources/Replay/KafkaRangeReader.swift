import EDMKafka
import Logging

/// Reads offset ranges of some partitions with a short-lived, group-less consumer (direct
/// assignment), for history older than the in-memory ring. Decodes as the live feed does, so
/// garbage is skipped here too (and not counted twice: the live feed already counted it).
struct KafkaRangeReader: Sendable {
    let connection: KafkaConnection
    let clientID: String
    let decoder: EventDecoder
    let fetchWait: Duration
    let extraProperties: [String: String]
    let logger: Logger

    /// Calls `deliver` with the events of `ranges` (per partition `start..<end`) in partition
    /// order, batch by batch, and returns once every range was read.
    /// - Throws: `ReplayError.timedOut` when `deadline` passes first, or a `KafkaError`.
    func read(
        _ ranges: [TopicPartition: Range<Int64>], deadline: ContinuousClock.Instant,
        deliver: ([StreamEvent]) async -> Void
    ) async throws {
        let remaining = ranges.filter { !$0.value.isEmpty }
        guard !remaining.isEmpty else { return }
        let configuration = consumerConfiguration(for: remaining)
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        do {
            try await drain(consumer, remaining: remaining, deadline: deadline, deliver: deliver)
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
    }

    /// librdkafka prefetches up to 64 MB per consumer by default; several replays at once
    /// would hold that many times over. A replay reads a bounded range once, so a small
    /// prefetch costs it little (`queued.max.messages.kbytes` 2 MB, `queued.min.messages` 1000).
    static let boundedPrefetch = ["queued.max.messages.kbytes": "2048", "queued.min.messages": "1000"]

    func consumerConfiguration(for ranges: [TopicPartition: Range<Int64>]) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(
            subscription: .partitions(ranges.map { TopicPartitionOffset($0.key, offset: $0.value.lowerBound) }))
        configuration.clientID = clientID
        configuration.bufferCapacity = 2_000
        configuration.extraProperties = Self.boundedPrefetch
            .merging(["fetch.wait.max.ms": String(fetchWait.milliseconds)]) { _, wait in wait }
            .merging(extraProperties) { _, configured in configured }
        return configuration
    }

    private func drain(
        _ consumer: KafkaConsumer, remaining: [TopicPartition: Range<Int64>], deadline: ContinuousClock.Instant,
        deliver: ([StreamEvent]) async -> Void
    ) async throws {
        var remaining = remaining
        var idleWindows = 0
        while !remaining.isEmpty {
            guard ContinuousClock.now < deadline else { throw ReplayError.timedOut }
            try Task.checkCancellation()
            let batch = await consumer.nextBatch(maxCount: 1_000, waitingAtMost: .milliseconds(250))
            if batch.isEmpty {
                // Offsets that are not messages (compaction, transaction markers) are never
                // read: trust the consumer's position after two quiet windows.
                idleWindows += 1
                if idleWindows >= 2, let lags = try? consumer.lag() {
                    for lag in lags where lag.position >= (remaining[lag.partition]?.upperBound ?? .max) {
                        remaining[lag.partition] = nil
                    }
                }
                continue
            }
            idleWindows = 0
            var events: [StreamEvent] = []
            for message in batch {
                guard let range = remaining[message.topicPartition], message.offset < range.upperBound else { continue }
                if message.offset >= range.upperBound - 1 { remaining[message.topicPartition] = nil }
                if case .success(let event) = decoder.decode(message) { events.append(event) }
            }
            if !events.isEmpty { await deliver(events) }
        }
    }
}

enum ReplayError: Error, Equatable, CustomStringConvertible {
    case timedOut

    var description: String {
        switch self {
        case .timedOut: "the replay did not finish in time"
        }
    }
}
