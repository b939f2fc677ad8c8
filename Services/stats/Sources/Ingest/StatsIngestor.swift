import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres
import EDMRegistry
import EDMTracing
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Consumes every event topic in the stats consumer group and applies each message to the
/// aggregates exactly once (see ``IngestStore``). Positions live in PostgreSQL, not in Kafka:
/// on assignment the consumer starts where the database says, and nothing it reads counts until
/// the transaction that also moves the offsets commits.
///
/// While PostgreSQL is unreachable the same batch is retried with backoff; the consumer's
/// bounded buffer then fills and polling pauses, so no new work is taken and no position is
/// lost. On graceful shutdown it finishes the in-flight batch, leaves the group and returns.
///
/// A stored position outside its partition's log (a new cluster, retention) is never fenced or
/// skipped in silence: see ``PositionConflict`` and `STATS_ON_POSITION_RESET`.
public final class StatsIngestor: Service, Sendable {
    /// The Kafka consumer (owned: closed when `run` ends).
    public let consumer: KafkaConsumer
    let store: IngestStore
    let decoder: MessageDecoder
    let settings: IngestSettings
    let shared: SharedState
    let logger: Logger
    let collector: BatchCollector
    let tracing: ConsumerTracing
    /// Types registered at runtime whose topics the group reads too (nil: built-in types only).
    let registry: SchemaRegistry?
    /// The topics the consumer subscribed to when created.
    let initialTopics: [String]

    /// State the rebalance hooks (on the consumer's poll thread) share with the ingest loop.
    final class SharedState: Sendable {
        let gate = BatchGate()
        let stop = StopSignal()
        let metrics = IngestMetrics()
        /// The rebuild epoch the current positions were read in; nil until first read.
        let epoch = Mutex<Int64?>(nil)
        /// Messages committed by this instance (counted, duplicate, skipped or fenced).
        let committedMessages = Atomic<Int>(0)
        /// True while commits fail (database unavailable).
        let paused = Atomic<Bool>(false)
        /// Partitions not counted because their stored position lies outside their log.
        let positions = PositionGuard()
        /// When held partitions are next re-checked.
        let nextPositionRecheck = Mutex<ContinuousClock.Instant>(.now)
        /// The consumer, for the assign hook's watermark queries (set once it exists).
        let consumer = Mutex<KafkaConsumer?>(nil)
        /// Bumped after every change of where partitions are read from (assignment, revoke, seek),
        /// once the new epoch is in place: a batch collected across a bump may hold messages of
        /// the old positions.
        let repositions = Atomic<Int>(0)

        func repositioned() {
            repositions.add(1, ordering: .releasing)
        }
    }

    public init(
        connection: KafkaConnection, names: KafkaNames, consumerGroup: String, pool: PostgresPool,
        settings: IngestSettings, registry: SchemaRegistry? = nil, logger: Logger = Logger(label: "stats.ingest")
    ) throws(KafkaError) {
        // Metrics bind to the factory present when created; tests build the ingestor directly.
        PrometheusMetrics.bootstrap()
        let store = IngestStore(pool: pool)
        let shared = SharedState()
        let handler = RebalanceHandler(
            onAssign: { partitions in
                let offsets = await Self.startingOffsets(
                    for: partitions, store: store, shared: shared, settings: settings, logger: logger)
                shared.repositioned()
                return offsets
            },
            onRevoke: { partitions in
                shared.positions.release(partitions)
                // The binding dropped the revoked partitions' buffered messages; a batch being
                // collected may still hold some.
                shared.repositioned()
                if !(await shared.gate.waitUntilIdle(timeout: settings.revokeWait)) {
                    logger.warning(
                        "handing over partitions while a batch is still uncommitted; the offset fence keeps it from double counting",
                        metadata: ["partitions": "\(partitions.sorted())"])
                }
            })
        let topics = Self.topics(names: names, registry: registry)
        var configuration = KafkaConsumerConfiguration(subscription: .group(id: consumerGroup, topics: topics))
        configuration.clientID = "stats"
        configuration.sessionTimeout = settings.sessionTimeout
        configuration.heartbeatInterval = min(.seconds(1), settings.sessionTimeout / 3)
        configuration.autoOffsetReset = .earliest
        // Kafka's committed offsets are informational only (for consumer-group tooling): the
        // positions that count are the ones in PostgreSQL.
        configuration.commitMode = .automatic(interval: .seconds(5))
        configuration.bufferCapacity = max(10_000, settings.maxBatchMessages * 4)
        let consumer = try KafkaConsumer(
            connection: connection, configuration: configuration, rebalanceHandler: handler, logger: logger)
        shared.consumer.withLock { $0 = consumer }
        self.consumer = consumer
        self.store = store
        self.decoder = MessageDecoder(names: names, registry: registry)
        self.registry = registry
        self.initialTopics = topics
        self.settings = settings
        self.shared = shared
        self.logger = logger
        self.collector = BatchCollector(consumer: consumer, settings: settings, stop: shared.stop)
        self.tracing = ConsumerTracing(group: consumerGroup)
    }

    /// Messages this instance has committed so far (for tests and logs).
    public var committedMessageCount: Int { shared.committedMessages.load(ordering: .relaxed) }

    /// True while batches fail to commit (database unavailable).
    public var isPaused: Bool { shared.paused.load(ordering: .relaxed) }

    /// Partitions held because their stored position lies outside their log.
    var positionConflicts: [PositionConflict] { shared.positions.conflicts }

    /// For `/ready`: names each held partition with its stored and actual offsets.
    public var positionsReadiness: ReadinessCheck {
        let positions = shared.positions
        return ReadinessCheck(name: "positions") { positions.problem }
    }

    /// Stops taking batches; `run` finishes the in-flight one and returns.
    public func stop() {
        shared.stop.stop()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.publishLag() }
                if let registry = self.registry {
                    group.addTask { await self.followRegisteredTopics(registry) }
                }
                await self.ingestLoop()
                self.shared.stop.stop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.shared.stop.stop()
        }
        await consumer.close()
        shared.consumer.withLock { $0 = nil }  // the rebalance hooks hold `shared`: break the cycle
        logger.info("consumer stopped", metadata: ["committed_messages": "\(committedMessageCount)"])
    }

    // MARK: Ingest loop

    /// Decodes batch N+1 and builds its writes (``PreparedBatch``) while batch N commits (the
    /// two cores then work in parallel: this process preparing, PostgreSQL writing). Commits
    /// stay strictly in order, each batch's offsets in the transaction of its aggregates; when
    /// a commit gives up (rebuild detected, shutdown) the batch read behind it is dropped
    /// uncommitted, since committing it would move offsets past the messages of the one that
    /// failed. A batch collected across a reposition (a rebalance, a re-seek after `stats rebuild`)
    /// is dropped too, and the owned partitions replayed from their stored positions: it may mix
    /// messages read before the change (which must not count in a new epoch, where their offsets
    /// no longer fence anything) with messages read after it (which the consumer will not deliver
    /// again unless it seeks back).
    private func ingestLoop() async {
        var committing: Task<Bool, Never>?
        while !shared.stop.isStopped {
            if await recheckHeldPositions() {
                // Held partitions may be all that has traffic, so the idle check might never run.
                if let previous = committing {
                    committing = nil
                    _ = await previous.value
                }
                await checkEpochWhileIdle()
            }
            let generation = shared.repositions.load(ordering: .acquiring)
            switch await collector.collect() {
            case .closed:
                _ = await committing?.value
                return
            case .idle:
                if let previous = committing {
                    committing = nil
                    _ = await previous.value
                }
                await checkEpochWhileIdle()
            case .messages(var messages):
                if shared.positions.isHoldingAny {
                    messages.removeAll { shared.positions.isHeld($0.topicPartition) }
                    if messages.isEmpty { continue }
                }
                guard let epoch = await epochForBatch() else { continue }
                // In the gate before the check, so a revoke from here on waits for this batch.
                shared.gate.enter()
                guard shared.repositions.load(ordering: .acquiring) == generation else {
                    _ = await committing?.value
                    committing = nil
                    shared.gate.leave()
                    await adoptEpoch(nil)
                    continue
                }
                let prepared = PreparedBatch(messages.map(decoder.decode))
                if let previous = committing, await previous.value == false {
                    committing = nil
                    shared.gate.leave()
                    continue
                }
                // Records are kept for the batch span only while a tracer records spans.
                let traced = TracerContext.isActive ? messages : []
                committing = Task {
                    let committed = await self.tracing.withBatchSpan(traced) { await self.apply(prepared, epoch: epoch) }
                    self.shared.gate.leave()
                    return committed
                }
            }
        }
        _ = await committing?.value
    }

    /// Publishes consumer lag (and the recorded events lost to retention) every `lagInterval`
    /// until stopped.
    private func publishLag() async {
        repeat {
            shared.metrics.updateLag((try? consumer.lag()) ?? [])
            if let lost = try? await store.lostToRetentionTotal() { shared.positions.reportLostTotal(lost) }
        } while await shared.stop.sleep(for: settings.lagInterval)
    }

    /// For `/ready`: a broker answers a metadata request within two seconds.
    public func isBrokerReachable() async -> Bool {
        (try? await consumer.partitionCounts(topics: [], timeout: .seconds(2))) != nil
    }
}
