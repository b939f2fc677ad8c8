import EDMCore
import EDMEvents
import EDMKafka
import EDMRegistry
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Reads every partition of every event topic and publishes the events to the hub.
///
/// Every instance must deliver every event to its own clients, however many instances run, so
/// the feed does not join a consumer group (a group would split the partitions between
/// instances, the reference's bug): it assigns itself *all* partitions directly, starting at
/// their end (clients start live unless they ask for history). Nothing is committed; a
/// restarted instance starts at the end again. Partition counts are re-read periodically and the
/// consumer is rebuilt, from where it was, when a topic gains partitions.
///
/// Topics of types registered at runtime join when the registry says their topic exists: the
/// consumer is rebuilt with them, read from the feed's start time (a type registered while the
/// feed runs is read from its first event; one registered before behaves like a built-in type,
/// however late the registry follower learned it).
final class LiveFeed: Service, Sendable {
    let metadata: KafkaConsumer
    private let configuration: StreamConfiguration
    private let hub: ClientHub
    private let decoder: EventDecoder
    private let metrics: StreamMetrics
    private let registry: SchemaRegistry?
    private let logger: Logger
    private let current = Mutex<KafkaConsumer?>(nil)
    private let skipLog = Mutex<(last: ContinuousClock.Instant?, suppressed: Int)>((nil, 0))

    init(
        configuration: StreamConfiguration, hub: ClientHub, decoder: EventDecoder, metrics: StreamMetrics,
        registry: SchemaRegistry? = nil, logger: Logger
    ) throws(KafkaError) {
        var metadataConfiguration = KafkaConsumerConfiguration(subscription: .partitions([]))
        metadataConfiguration.clientID = configuration.clientID(role: "metadata")
        metadataConfiguration.extraProperties = configuration.consumerProperties
        metadata = try KafkaConsumer(connection: configuration.kafka, configuration: metadataConfiguration, logger: logger)
        self.configuration = configuration
        self.hub = hub
        self.decoder = decoder
        self.metrics = metrics
        self.registry = registry
        self.logger = logger
    }

    /// Topics of the registered types whose topic exists.
    private func registeredTopics() -> [String] {
        (registry?.readyNames ?? []).map { configuration.names.prefix + RegisteredType.topicBase(for: $0) }
    }

    /// Broker reachability for `/ready`.
    func isBrokerReachable() async -> Bool {
        (try? await metadata.partitionCounts(topics: [], timeout: .seconds(2))) != nil
    }

    /// Messages behind the end of the partitions, summed (nil before the feed runs).
    func lag() -> Int64? {
        guard let consumer = current.withLock({ $0 }), let lags = try? consumer.lag() else { return nil }
        return lags.compactMap(\.lag).reduce(0, +)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.feed()
        }
        if let consumer = current.withLock({ $0 }) { await consumer.close() }
        await metadata.close()
    }

    private func feed() async {
        let startTime = Int64(Date().timeIntervalSince1970 * 1000)
        let topics = configuration.names.allTopics + registeredTopics()
        guard var (counts, positions) = await waitForStart(topics, startTime: startTime) else { return }
        logger.info(
            "feed starting at the end of every partition",
            metadata: ["topics": "\(topics.joined(separator: ","))", "partitions": "\(positions.count)"])
        while !Task.isCancelled {
            let consumer: KafkaConsumer
            do {
                consumer = try makeConsumer(positions)
            } catch {
                logger.error("cannot create the consumer", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            current.withLock { $0 = consumer }
            let grown = await consume(consumer, counts: counts)
            current.withLock { $0 = nil }
            await consumer.close()
            guard let grown, let next = hub.positions else { return }
            do {
                let added = Set(grown.keys).subtracting(counts.keys)
                positions = try await startPositions(counts: grown, known: next, startTime: startTime, fromStartTime: added)
                counts = grown
                logger.notice(
                    "partitions added; consumer rebuilt",
                    metadata: ["partitions": "\(positions.count)", "new_topics": "\(added.sorted().joined(separator: ","))"])
            } catch {
                logger.error("cannot read watermarks of new partitions", metadata: ["error": "\(error)"])
                positions = next
            }
        }
    }

    /// Waits until every topic exists and its watermarks are known (logging while not);
    /// nil when cancelled.
    private func waitForStart(_ topics: [String], startTime: Int64) async -> ([String: Int32], [TopicPartition: Int64])? {
        var delay = Duration.milliseconds(250)
        while !Task.isCancelled {
            do {
                let counts = try await metadata.partitionCounts(topics: topics)
                // Topics of derived events (edm-alerts) are optional: a cluster without the alerts
                // service still streams; they are picked up with the partition refresh when created.
                // Registered types' topics are optional too (one may have been deleted).
                let optional = Set(EventRegistry.derivedKinds.map { configuration.names.topic(for: $0) })
                    .union(registeredTopics())
                let missing = topics.filter { (counts[$0] ?? 0) <= 0 && !optional.contains($0) }
                if missing.isEmpty {
                    return (counts, try await startPositions(counts: counts, known: [:], startTime: startTime))
                }
                logger.warning("waiting for topics", metadata: ["missing": "\(missing.joined(separator: ","))"])
            } catch {
                logger.warning("waiting for the broker", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
        return nil
    }

    /// Where to read each partition from: `known` positions kept, new partitions from their
    /// high watermark (at start-up) or low watermark (added later, so nothing is missed), and
    /// partitions of the topics `fromStartTime` (registered types joining) from the first event
    /// at or after the feed's start.
    private func startPositions(
        counts: [String: Int32], known: [TopicPartition: Int64], startTime: Int64, fromStartTime: Set<String> = []
    ) async throws -> [TopicPartition: Int64] {
        var positions = known
        var empty: Set<TopicPartition> = []
        var joining: [TopicPartition: Int64] = [:]
        for (topic, count) in counts where fromStartTime.contains(topic) {
            for index in 0..<count { joining[TopicPartition(topic: topic, partition: index)] = startTime }
        }
        if !joining.isEmpty {
            for (partition, offset) in try await metadata.offsets(forTimestamps: joining) where positions[partition] == nil {
                // -1: nothing at or after the start time; read what comes next.
                positions[partition] = offset >= 0 ? offset : try await metadata.watermarks(partition).high
            }
        }
        for (topic, count) in counts.sorted(by: { $0.key < $1.key }) {
            for index in 0..<count {
                let partition = TopicPartition(topic: topic, partition: index)
                guard positions[partition] == nil else { continue }
                let marks = try await metadata.watermarks(partition)
                positions[partition] = known.isEmpty ? marks.high : marks.low
                if marks.low == marks.high || !known.isEmpty { empty.insert(partition) }
            }
        }
        hub.feedStarted(at: positions, emptyPartitions: empty, startTime: startTime)
        return positions
    }

    private func makeConsumer(_ positions: [TopicPartition: Int64]) throws(KafkaError) -> KafkaConsumer {
        var consumerConfiguration = KafkaConsumerConfiguration(
            subscription: .partitions(positions.sorted { $0.key < $1.key }.map { TopicPartitionOffset($0.key, offset: $0.value) }))
        consumerConfiguration.clientID = configuration.clientID(role: "live")
        consumerConfiguration.bufferCapacity = 20_000
        consumerConfiguration.extraProperties = ["fetch.wait.max.ms": String(configuration.fetchWait.milliseconds)]
            .merging(configuration.consumerProperties) { _, configured in configured }
        return try KafkaConsumer(connection: configuration.kafka, configuration: consumerConfiguration, logger: logger)
    }

    /// Publishes batches until cancelled (returns nil) or until a topic gained partitions
    /// (returns the new counts).
    private func consume(_ consumer: KafkaConsumer, counts: [String: Int32]) async -> [String: Int32]? {
        await withTaskGroup(of: [String: Int32]?.self) { group in
            group.addTask { [self] in
                // At most one fan-out per interval: under load every client's writer then wakes
                // (and the kernel sends) once per interval with everything since, instead of once
                // per fetched message; when idle, a message is published as soon as it arrives.
                let clock = ContinuousClock()
                var lastPublish = clock.now - configuration.publishInterval
                while !Task.isCancelled {
                    let due = lastPublish + configuration.publishInterval
                    if clock.now < due { try? await clock.sleep(until: due) }
                    let batch = await consumer.nextBatch(maxCount: 10_000)
                    if batch.isEmpty { break }
                    lastPublish = clock.now
                    FeedTracing.process(batch) { publish(batch) }
                }
                return nil
            }
            group.addTask { [self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: configuration.partitionRefreshInterval)
                    guard !Task.isCancelled,
                        let latest = try? await metadata.partitionCounts(topics: Array(counts.keys))
                    else { continue }
                    if latest.contains(where: { $0.value > (counts[$0.key] ?? 0) }) { return latest }
                }
                return nil
            }
            if let registry {
                group.addTask { [self] in
                    // Compares state, not changes: nothing is missed between two consumers.
                    let changes = registry.changes()
                    if let joined = await joinedTopics(counts) { return joined }
                    for await _ in changes {
                        if let joined = await joinedTopics(counts) { return joined }
                    }
                    return nil
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// `counts` with the registered topics that exist now and are not read yet; nil when none.
    private func joinedTopics(_ counts: [String: Int32]) async -> [String: Int32]? {
        let new = registeredTopics().filter { counts[$0] == nil }
        guard !new.isEmpty, let found = try? await metadata.partitionCounts(topics: new) else { return nil }
        let existing = found.filter { new.contains($0.key) && $0.value > 0 }
        return existing.isEmpty ? nil : counts.merging(existing) { old, _ in old }
    }

    private func publish(_ batch: [KafkaMessage]) {
        var events: [StreamEvent] = []
        events.reserveCapacity(batch.count)
        var positions: [TopicPartition: Int64] = [:]
        for message in batch {
            positions[message.topicPartition] = message.offset.saturatingSuccessor
            switch decoder.decode(message) {
            case .success(let event): events.append(event)
            case .failure(let reason): skipped(message, reason)
            }
        }
        hub.publish(events, positions: positions)
        // Counted once published: whoever sees the count (tests) sees the positions moved too.
        metrics.consumed(events.count)
    }

    /// Counts a skipped message and logs it, at most once a second (with how many were not logged).
    private func skipped(_ message: KafkaMessage, _ reason: SkipReason) {
        metrics.skipped(reason)
        let now = ContinuousClock.now
        let suppressed: Int? = skipLog.withLock { state in
            if let last = state.last, now - last < .seconds(1) {
                state.suppressed += 1
                return nil
            }
            defer { state = (now, 0) }
            return state.suppressed
        }
        guard let suppressed else { return }
        logger.warning(
            "skipped a message that is not a valid event",
            metadata: [
                "reason": "\(reason.rawValue)", "topic": "\(message.topic)", "partition": "\(message.partition)",
                "offset": "\(message.offset)", "not_logged_since_last": "\(suppressed)",
            ])
    }
}
