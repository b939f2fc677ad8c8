import EDMCore
import EDMEvents
import EDMKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The consumer side of the service: reads the rules' topics in group `edm-alerts`, counts
/// events into windows (``AlertEngine``), publishes the alerts it decides on `edm-alerts`
/// (idempotent producer, acks=all) and commits only offsets whose windows have all closed.
///
/// State survives crashes without a database: on every assignment it is rebuilt by re-reading
/// the rules' longest window plus grace (offsets for times, or the committed offset if
/// earlier) and the published alerts of ``AlertsConfiguration/historySpan`` (for the episodes
/// and ids), so a restart neither misses an alert nor publishes one twice (an alert decided
/// again gets the same id and is recognised).
public final class AlertProcessor: Service, Sendable {
    let configuration: AlertsConfiguration
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    let webhook: WebhookSink?
    let metrics: AlertsMetrics
    let logger: Logger
    private let epoch: Locked<ProcessingEpoch?>
    private let stopping = Atomic<Bool>(false)
    /// Records taken per batch: large batches spread the per-batch costs (the wait, the two
    /// decoding halves, the lock, partition progress, storing offsets) over more records.
    static let batchLimit = 5_000

    public init(
        configuration: AlertsConfiguration, producer: KafkaProducer, webhook: WebhookSink? = nil, metrics: AlertsMetrics,
        logger: Logger
    ) throws(KafkaError) {
        let epoch = Locked<ProcessingEpoch?>(nil)
        let consumerBox = Locked<KafkaConsumer?>(nil)
        let history = AlertHistory(
            connection: configuration.kafka, names: configuration.names,
            clientID: "\(configuration.names.prefix)edm-alerts-\(configuration.instanceID)-history",
            fetchWait: configuration.fetchWait, timeout: .seconds(60), logger: logger)
        let handler = RebalanceHandler(
            onAssign: { partitions in
                guard let consumer = consumerBox.withLock({ $0 }) else { return [:] }
                let (next, starts) = await Self.rebuild(
                    partitions, configuration: configuration, consumer: consumer, history: history, logger: logger)
                epoch.withLock { $0 = next }
                metrics.rebuilt()
                return starts
            },
            onRevoke: { _ in epoch.withLock { $0 = nil } })
        var consumerConfiguration = KafkaConsumerConfiguration(
            subscription: .group(id: configuration.groupID, topics: configuration.inputTopics))
        consumerConfiguration.clientID = "\(configuration.names.prefix)edm-alerts-\(configuration.instanceID)"
        consumerConfiguration.autoOffsetReset = .latest
        consumerConfiguration.commitMode = .automatic(interval: .seconds(1))
        consumerConfiguration.sessionTimeout = configuration.sessionTimeout
        consumerConfiguration.heartbeatInterval = min(.seconds(1), configuration.sessionTimeout / 3)
        // Room for a few batches while one is counted (the binding's default holds 10,000).
        consumerConfiguration.bufferCapacity = 4 * Self.batchLimit
        consumerConfiguration.extraProperties = ["fetch.wait.max.ms": String(configuration.fetchWait.milliseconds)]
        let consumer = try KafkaConsumer(
            connection: configuration.kafka, configuration: consumerConfiguration, rebalanceHandler: handler, logger: logger)
        consumerBox.withLock { $0 = consumer }
        self.configuration = configuration
        self.consumer = consumer
        self.producer = producer
        self.webhook = webhook
        self.metrics = metrics
        self.logger = logger
        self.epoch = epoch
    }

    /// Whether the broker answers (for `/ready`).
    func isBrokerReachable() async -> Bool {
        (try? await consumer.partitionCounts(topics: [], timeout: .seconds(2))) != nil
    }

    /// Whether the current assignment's windows are rebuilt and read live (for `/ready`).
    var isLive: Bool { metrics.stats.live.load(ordering: .relaxed) }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
        }
        await consumer.close()
    }

    private func loop() async {
        let decoder = InputDecoder(names: configuration.names, rules: configuration.rules, policy: configuration.timePolicy)
        while !stopping.load(ordering: .relaxed) {
            let batch = await consumer.nextBatch(maxCount: Self.batchLimit, waitingAtMost: .milliseconds(100))
            // Decoded outside the lock (and in parallel): only counting needs the state.
            let decoded = await decoder.decode(batch)
            let (decisions, offsets) = process(batch, decoded: decoded, now: EventTimestamp.milliseconds(from: Date()))
            if !decisions.isEmpty { await publish(decisions) }
            if !offsets.isEmpty {
                try? consumer.storeOffsets(offsets.map { TopicPartitionOffset($0.key, offset: $0.value) })
            }
        }
    }

    /// Counts a decoded batch (`decoded[i]` is `batch[i]`) and moves the watermark; returns the
    /// decisions and the offsets that may be committed once they are published.
    func process(
        _ batch: [KafkaMessage], decoded: [Result<MatchedEvent, SkipReason>], now: Int64
    ) -> ([AlertDecision], [TopicPartition: Int64]) {
        let metrics = self.metrics
        return epoch.withLock { current -> ([AlertDecision], [TopicPartition: Int64]) in
            guard current != nil else { return ([], [:]) }
            // In place: a copy of the state would copy every window's counts per batch.
            return Self.process(batch, decoded: decoded, state: &current!, metrics: metrics, now: now)
        }
    }

    private static func process(
        _ batch: [KafkaMessage], decoded: [Result<MatchedEvent, SkipReason>], state: inout ProcessingEpoch,
        metrics: AlertsMetrics, now: Int64
    ) -> ([AlertDecision], [TopicPartition: Int64]) {
        var decisions: [AlertDecision] = []
        var consumed = 0
        var progress = BatchProgress()
        let owned = state.partitions
        for position in batch.indices {
            let message = batch[position]
            let slot = progress.slot(for: message) { owned.contains($0) }
            guard progress.isOwned(slot) else { continue }
            switch decoded[position] {
            case .success(let event):
                consumed += 1
                let fired = state.engine.ingest(keys: event.keys, eventTime: event.eventTime)
                if !fired.isEmpty { decisions += fired }
                progress.observe(slot, offset: message.offset, receivedAt: event.receivedAt, eventTime: event.eventTime)
            case .failure(let reason):
                metrics.skipped(reason)
                progress.observe(slot, offset: message.offset, receivedAt: message.timestampMilliseconds ?? .min, eventTime: .min)
            }
        }
        progress.apply(to: &state.watermarks, &state.offsets)
        metrics.consumed(consumed)
        if let watermark = state.watermarks.watermark(now: now) {
            decisions += state.engine.advance(to: watermark)
        }
        metrics.late(state.engine.takeLateEvents())
        metrics.windows(state.engine.openWindowCount)
        if state.watermarks.isLive { metrics.stats.live.store(true, ordering: .relaxed) }
        let offsets = state.offsets.committable(watermark: state.engine.watermark)
        return (decisions, offsets)
    }

    /// Publishes every decision not published before, in order, retrying until the broker
    /// acknowledges (an alert is never dropped; the offsets behind it wait meanwhile).
    private func publish(_ decisions: [AlertDecision]) async {
        let topic = configuration.names.topic(for: AlertProperties.self)
        var pending: [(message: KafkaOutgoingMessage, alert: AlertProperties, id: String)] = []
        for decision in decisions {
            guard !decision.alreadyPublished else {
                metrics.suppressed()
                continue
            }
            let envelope = decision.alert.envelope(
                occurredAt: EventTimestamp.date(fromMilliseconds: decision.eventTime), receivedAt: Date())
            pending.append(
                (KafkaOutgoingMessage(topic: topic, key: Array(envelope.partitionKey.utf8), value: Array(envelope.jsonData())),
                 decision.alert, envelope.id.uuidString.lowercased()))
            logger.notice(
                "alert",
                metadata: [
                    "rule": "\(decision.alert.rule)", "key": "\(decision.alert.key)", "level": "\(decision.alert.level.rawValue)",
                    "resolved": "\(decision.alert.resolved)", "count": "\(decision.alert.count)",
                    "window_start": "\(EventTimestamp.string(from: decision.alert.windowStart))", "id": "\(envelope.id)",
                ])
        }
        var backoff = Duration.milliseconds(100)
        while !pending.isEmpty {
            let results = await producer.send(pending.map(\.message))
            var failed: [(message: KafkaOutgoingMessage, alert: AlertProperties, id: String)] = []
            for (entry, result) in zip(pending, results) {
                switch result {
                case .success:
                    metrics.published(entry.alert)
                    // Only what edm-alerts holds goes to the webhook (never waits).
                    webhook?.enqueue(WebhookAlert(id: entry.id, body: entry.message.value ?? []))
                case .failure(let error):
                    metrics.publishFailed()
                    logger.error("publishing an alert failed; retrying", metadata: ["error": "\(error)"])
                    failed.append(entry)
                }
            }
            pending = failed
            if !pending.isEmpty {
                // Keep the order: later decisions wait behind the failed ones.
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
                if stopping.load(ordering: .relaxed), backoff >= .seconds(5) { return }
            }
        }
    }

    /// Builds the state of a new assignment: the start offsets, the replay ends, and an engine
    /// restored from the alert history.
    static func rebuild(
        _ partitions: [TopicPartition], configuration: AlertsConfiguration, consumer: KafkaConsumer,
        history: AlertHistory, logger: Logger
    ) async -> (ProcessingEpoch, [TopicPartition: Int64]) {
        let now = EventTimestamp.milliseconds(from: Date())
        let rebuildFrom = now - configuration.rebuildSpan.milliseconds
        var positions = StartPositions(starts: [:], ends: [:])
        do {
            positions = try await StartPositions.find(
                for: partitions, rebuildFrom: rebuildFrom, consumer: consumer, logger: logger)
        } catch {
            logger.error(
                "could not find where to rebuild from; starting at the committed offsets", metadata: ["error": "\(error)"])
        }
        var engine = AlertEngine(rules: configuration.rules, coverageStart: rebuildFrom)
        do {
            let alerts = try await history.read(since: now - configuration.historySpan.milliseconds, probe: consumer)
            engine.restore(alerts)
            logger.info("alert history read", metadata: ["alerts": "\(alerts.count)"])
        } catch {
            logger.error(
                "could not read back edm-alerts; alerts decided before this start may be published again (same ids)",
                metadata: ["error": "\(error)"])
        }
        let ends = positions.ends.filter { partition, end in end > (positions.starts[partition] ?? end) }
        let epoch = ProcessingEpoch(
            engine: engine,
            watermarks: WatermarkTracker(replayEnds: ends, liveDelayMilliseconds: configuration.liveDelay.milliseconds),
            offsets: SafeOffsets(holdMilliseconds: configuration.rebuildSpan.milliseconds),
            partitions: Set(partitions))
        return (epoch, positions.starts)
    }
}
