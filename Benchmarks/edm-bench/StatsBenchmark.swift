import EDMCore
import EDMEvents
import EDMKafka
import EDMPostgres
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import StatsService

/// The stats service end to end: how fast events go from the topics into committed aggregates
/// (against our binding's raw consume rate of the same topics, same run), and the API's latency
/// under 100 concurrent keep-alive clients over loopback (against `/health`, which touches no
/// database, under the same load).
///
/// The events carry relay-assigned ids (``RelayEventID``), as the relay gives every event sent
/// without an id or Idempotency-Key; stats keeps no dedupe row for those. A second ingest row
/// gives the same events under client-supplied ids, each of which stats remembers.
///
/// A second baseline is PostgreSQL alone: the bare insert of the same number of event ids into a
/// table shaped like the dedupe table, one statement per batch on one connection. Stats writes
/// such a row per client-supplied id (durably, so counts survive crashes), so this rate is a
/// ceiling for that row, whatever the consumer does.
///
/// Uses (and empties) the stats tables of `databaseURL`. Topics get a fresh prefix per round, so
/// the broker auto-creates them (4 partitions on the mock); the event count keeps every
/// partition under the mock's 5 MiB retention cap.
struct StatsBenchmark {
    var events = 80_000
    /// Event times are spread over this span ending now: one hour of a busy storefront
    /// (about 22 events/s), so a batch touches a realistic number of time buckets.
    var eventSpan: TimeInterval = 3600
    var rounds = 3
    /// A second ingest run per round with smaller transactions (`STATS_BATCH_MAX_MESSAGES`), to
    /// show what the batch size buys.
    var smallBatch = 2_000
    var clients = 100
    var requestsPerClient = 60
    var logger: Logger = {
        var logger = Logger(label: "stats-bench")
        logger.logLevel = .error
        return logger
    }()

    func run(bootstrap: String, databaseURL: String, report: inout [BenchRow]) async throws {
        let connection = KafkaConnection(bootstrapServers: [bootstrap])
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: databaseURL), logger: logger)
        try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(10), logger: logger)
        var ingestRates: [Double] = [], rawRates: [Double] = [], decodeRates: [Double] = []
        var smallBatchRates: [Double] = [], insertRates: [Double] = [], clientIDRates: [Double] = []
        for round in 1...rounds {
            let names = try KafkaNames(prefix: "bench-stats-\(getpid())-\(round).")
            try await produce(events: events, names: names, connection: connection, makeID: { RelayEventID.make() })
            let clientNames = try KafkaNames(prefix: "bench-stats-\(getpid())-\(round)-client.")
            try await produce(events: events, names: clientNames, connection: connection, makeID: { UUID() })
            let (rawRate, values) = try await rawConsume(names: names, connection: connection)
            rawRates.append(rawRate)
            decodeRates.append(try decodeRate(values))
            ingestRates.append(try await ingestRate(names: names, connection: connection, pool: pool))
            smallBatchRates.append(
                try await ingestRate(names: names, connection: connection, pool: pool, maxBatchMessages: smallBatch))
            insertRates.append(try await bareInsertRate(pool: pool, batchSize: IngestSettings().maxBatchMessages))
            clientIDRates.append(try await ingestRate(names: clientNames, connection: connection, pool: pool))
        }
        let defaultBatch = IngestSettings().maxBatchMessages
        report.append(BenchRow(
            name: "stats ingest events/s (topic -> committed aggregates, \(events) events over \(Int(eventSpan)) s)",
            ours: median(ingestRates), baseline: median(rawRates), baselineName: "raw consume (binding)",
            goal: .ratioAtLeast(0.5)))
        report.append(BenchRow(
            name: "stats ingest events/s vs PostgreSQL alone (bare insert of as many ids, \(defaultBatch) per transaction)",
            ours: median(ingestRates), baseline: median(insertRates),
            baselineName: "PostgreSQL bare uuid insert"))
        // The ceiling: PostgreSQL writing only the dedupe rows, nothing read from Kafka.
        report.append(BenchRow(
            name: "PostgreSQL alone: bare uuid insert rows/s (\(defaultBatch) per transaction, one connection)",
            ours: median(insertRates), baseline: median(rawRates), baselineName: "raw consume (binding)"))
        report.append(BenchRow(
            name: "stats ingest events/s (same events, client-supplied ids: each remembered for dedupe)",
            ours: median(clientIDRates), baseline: median(rawRates), baselineName: "raw consume (binding)"))
        report.append(BenchRow(
            name: "stats ingest events/s (same, \(smallBatch) per transaction)",
            ours: median(smallBatchRates), baseline: median(rawRates), baselineName: "raw consume (binding)"))
        // Decoding alone (strict validation of every event), before any database work.
        report.append(BenchRow(
            name: "stats decode only events/s (EventEnvelope.decode, one task)",
            ours: median(decodeRates), baseline: median(rawRates), baselineName: "raw consume (binding)"))

        let (data, health) = try await apiLatencies(pool: pool)
        report.append(BenchRow(
            name: "stats API p50 ms (\(clients) concurrent clients)", ours: data.percentile(0.50) * 1000,
            baseline: health.percentile(0.50) * 1000, baselineName: "/health same load"))
        report.append(BenchRow(
            name: "stats API p99 ms (\(clients) concurrent clients)", ours: data.percentile(0.99) * 1000,
            baseline: health.percentile(0.99) * 1000, baselineName: "/health same load"))
        await pool.close()
    }

    // MARK: Ingest

    /// Clicks over 40 buttons and page loads over 12 URLs, 500 sessions, times spread over
    /// `eventSpan`, each with an id from `makeID` (the relay's form by default).
    func produce(
        events: Int, names: KafkaNames, connection: KafkaConnection, makeID: () -> UUID = { RelayEventID.make() }
    ) async throws {
        var configuration = KafkaProducerConfiguration()
        configuration.maxQueuedMessages = 500_000
        let producer = try KafkaProducer(connection: connection, configuration: configuration, logger: logger)
        let start = Date().addingTimeInterval(-eventSpan)
        let messages = (0..<events).map { index -> KafkaOutgoingMessage in
            let time = start.addingTimeInterval(Double(index) * eventSpan / Double(events))
            let session = "session-\(index % 500)"
            let envelope: EventEnvelope =
                index % 4 == 3
                ? EventEnvelope(
                    id: makeID(), occurredAt: time, receivedAt: time, sessionId: session,
                    properties: PageLoadProperties(
                        url: "https://shop.example.com/products/\(index % 12)",
                        userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"))
                : EventEnvelope(
                    id: makeID(), occurredAt: time, receivedAt: time, sessionId: session,
                    properties: ClickProperties(buttonId: "button-\(index % 40)", description: "Add to cart"))
            return KafkaOutgoingMessage(
                topic: names.topic(for: envelope), key: Array(session.utf8), value: Array(envelope.jsonData()))
        }
        let failures = await producer.send(messages).filter { (try? $0.get()) == nil }.count
        await producer.close()
        guard failures == 0 else { throw BenchError("\(failures) of \(events) events were not acknowledged") }
    }

    /// Our binding reading every partition of the same topics, timed from the first message;
    /// also returns the payloads for ``decodeRate(_:)``.
    private func rawConsume(names: KafkaNames, connection: KafkaConnection) async throws -> (Double, [[UInt8]]) {
        let probe = try KafkaConsumer(
            connection: connection, configuration: KafkaConsumerConfiguration(subscription: .partitions([])), logger: logger)
        let counts = try await probe.partitionCounts(topics: names.allTopics)
        await probe.close()
        let assignment = counts.flatMap { topic, count in
            (0..<count).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) }
        }
        var configuration = KafkaConsumerConfiguration(subscription: .partitions(assignment))
        configuration.bufferCapacity = 50_000
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        var batches = [await consumer.nextBatch(maxCount: 1)]
        var received = batches[0].count
        let first = ContinuousClock.now
        while received < events {
            let batch = await consumer.nextBatch(maxCount: min(10_000, events - received))
            if batch.isEmpty { break }
            received += batch.count
            batches.append(batch)
        }
        let elapsed = ContinuousClock.now - first
        await consumer.close()
        guard received == events else { throw BenchError("raw consumer read \(received) of \(events)") }
        return (Double(events - 1) / statsSeconds(elapsed), batches.flatMap { $0.compactMap(\.value) })
    }

    /// The shared strict decoder alone over the same payloads: a ceiling for one core.
    private func decodeRate(_ values: [[UInt8]]) throws -> Double {
        let started = ContinuousClock.now
        var valid = 0
        for value in values where (try? EventEnvelope.decode(from: Data(value))) != nil { valid += 1 }
        let elapsed = ContinuousClock.now - started
        guard valid == values.count else { throw BenchError("\(values.count - valid) payloads did not decode") }
        return Double(values.count) / statsSeconds(elapsed)
    }

    /// The stats consumer from an empty database to every event committed, timed from its
    /// first committed batch (the group join before it is a one-off start-up cost).
    func ingestRate(
        names: KafkaNames, connection: KafkaConnection, pool: PostgresPool, maxBatchMessages: Int? = nil
    ) async throws -> Double {
        try await StatsDatabase.wipeForRebuild(pool: pool)
        var settings = IngestSettings()
        settings.sessionTimeout = .seconds(6)
        if let maxBatchMessages { settings.maxBatchMessages = maxBatchMessages }
        let ingestor = try StatsIngestor(
            connection: connection, names: names,
            consumerGroup: "bench-stats-\(getpid())-\(names.prefix)\(settings.maxBatchMessages)", pool: pool,
            settings: settings, logger: logger)
        let task = Task { try await ingestor.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(120)
        while ingestor.committedMessageCount == 0 {
            guard ContinuousClock.now < deadline else { throw BenchError("stats committed nothing in 120 s") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let first = ContinuousClock.now
        let firstCount = ingestor.committedMessageCount
        while ingestor.committedMessageCount < events {
            guard ContinuousClock.now < deadline else {
                throw BenchError("stats committed \(ingestor.committedMessageCount) of \(events) in 120 s")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = ContinuousClock.now - first
        ingestor.stop()
        try await task.value
        let total = try await pool.query("SELECT coalesce(sum(count), 0)::int8 FROM stats_event_totals")[0].decode(Int64.self, at: 0)
        guard total == Int64(events) else { throw BenchError("stats counted \(total) of \(events) events") }
        return Double(events - firstCount) / statsSeconds(elapsed)
    }

    /// PostgreSQL alone: `events` fresh ids inserted `batchSize` per statement and transaction
    /// into a table like `stats_seen_events` (uuid primary key, BRIN on the time), as one binary
    /// uuid[] parameter like stats sends. Ids are made before the clock starts.
    private func bareInsertRate(pool: PostgresPool, batchSize: Int) async throws -> Double {
        try await pool.execute("DROP TABLE IF EXISTS bench_bare_ids")
        try await pool.execute("CREATE TABLE bench_bare_ids (event_id uuid PRIMARY KEY, seen_at timestamptz NOT NULL)")
        try await pool.execute("CREATE INDEX ON bench_bare_ids USING brin (seen_at)")
        let ids = (0..<events).map { _ in UUID() }
        let batches = stride(from: 0, to: events, by: batchSize).map { Array(ids[$0..<min($0 + batchSize, events)]) }
        let started = ContinuousClock.now
        for batch in batches {
            try await pool.transaction { transaction in
                try await transaction.execute(
                    "INSERT INTO bench_bare_ids SELECT id, now() FROM unnest($1) AS u(id)", [batch])
            }
        }
        let elapsed = ContinuousClock.now - started
        try await pool.execute("DROP TABLE bench_bare_ids")
        return Double(events) / statsSeconds(elapsed)
    }

    // MARK: API

    /// Latencies of data routes and of `/health`, each measured with `clients` connections
    /// sending back to back (so about `clients` requests are always in flight).
    private func apiLatencies(pool: PostgresPool) async throws -> (data: [Double], health: [Double]) {
        let routes = StatsRoutes(queries: StatsQueries(pool: pool))
        let router = StatsRouter.make(routes: routes, readiness: [])
        let port = PortBox()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "stats-bench"),
            onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let server = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while port.value == 0 {
            guard ContinuousClock.now < deadline else { throw BenchError("the HTTP server did not start") }
            try await Task.sleep(for: .milliseconds(5))
        }
        let data = [
            "/v1/stats/summary", "/v1/stats/clicks?limit=20", "/v1/stats/pageloads?limit=20",
            "/v1/stats/timeseries?type=click&bucket=1h", "/api/clickCount", "/api/clickHistory",
        ]
        _ = try await load(port: port.value, paths: data)  // warm-up: connections, plans, caches
        let dataLatencies = try await load(port: port.value, paths: data)
        let healthLatencies = try await load(port: port.value, paths: ["/health"])
        await group.triggerGracefulShutdown()
        try await server.value
        return (dataLatencies, healthLatencies)
    }

    private func load(port: Int, paths: [String]) async throws -> [Double] {
        let perClient = requestsPerClient
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for clientIndex in 0..<clients {
                group.addTask {
                    try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        var latencies: [Double] = []
                        latencies.reserveCapacity(perClient)
                        for request in 0..<perClient {
                            let started = ContinuousClock.now
                            let response = try await client.get(paths[(clientIndex + request) % paths.count])
                            latencies.append(statsSeconds(ContinuousClock.now - started))
                            guard response.status == .ok else { throw BenchError("API answered \(response.status)") }
                        }
                        return latencies
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}

/// The port the server bound, published from its start-up callback.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    var value: Int { lock.withLock { port } }
    func set(_ value: Int) { lock.withLock { port = value } }
}

private func statsSeconds(_ duration: Duration) -> Double {
    duration.inSeconds
}

