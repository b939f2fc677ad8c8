import EDMEvents
import EDMKafka
import Foundation
import Logging
import Synchronization

/// The relay as deployed (the built `relay` executable, next to this one) over real loopback
/// HTTP, against baselines on the same broker in the same run:
/// - batch ingestion events/s vs our binding's producer sending the same envelopes in the same
///   batches with the same concurrency, without HTTP or validation;
/// - single-event requests/s vs `POST /v1/noop` on the same server (same HTTP stack, body read,
///   middleware, no parsing or producing);
/// - p50/p99 of single POSTs at a moderate open-loop rate;
/// - the relay's resident memory idle and at its peak under the runs above (from /proc).
struct RelayBenchmark {
    var batchEvents = 100_000
    var batchSize = 100
    var connections = 32
    var singleDuration: Duration = .seconds(4)
    var latencyRate = 500
    var latencyDuration: Duration = .seconds(4)
    /// Extra config vars for the relay (e.g. KAFKA_LINGER_MS to compare settings).
    var relayEnvironment: [String: String] = [:]
    static let rounds = 3

    func run(bootstrap: String, report: inout [BenchRow]) async throws {
        let relay = try await RelayProcess.start(
            bootstrap: bootstrap, prefix: "bench-relay-\(getpid()).", environment: relayEnvironment)
        defer { relay.stop() }
        let sampler = RSSSampler(pid: relay.pid)
        defer { sampler.stop() }

        let events = (0..<batchEvents).map { Self.clickJSON(index: $0) }
        let batches = stride(from: 0, to: events.count, by: batchSize).map { start in
            HTTPLoad.post("/v1/events", body: Array("[\(events[start..<min(start + batchSize, events.count)].joined(separator: ","))]".utf8))
        }
        let singles = events.prefix(1000).map { HTTPLoad.post("/v1/events", body: Array($0.utf8)) }
        let noops = events.prefix(1000).map { HTTPLoad.post("/v1/noop", body: Array($0.utf8)) }

        // Warm-up: topic metadata, connections, first allocations.
        try Self.check(try await HTTPLoad.closedLoop(port: relay.port, connections: 4, requests: batches, limit: 20), "warm-up")
        _ = try await HTTPLoad.closedLoop(port: relay.port, connections: 4, requests: noops, limit: 200)
        try await Task.sleep(for: .seconds(1))
        let idleRSS = ProcessStats.residentBytes(pid: relay.pid)
        sampler.start()

        var raw: [Double] = [], ingested: [Double] = [], relaySingles: [Double] = [], noopSingles: [Double] = []
        for round in 1...Self.rounds {
            raw.append(try await rawProducerRate(bootstrap: bootstrap, topic: "bench-raw-\(getpid())-\(round).edm-ui-click", events: events))
            let batch = try await HTTPLoad.closedLoop(port: relay.port, connections: connections, requests: batches, limit: batches.count)
            try Self.check(batch, "batch ingestion")
            ingested.append(Double(batch.completed * batchSize) / batch.elapsed)

            let noop = try await HTTPLoad.closedLoop(port: relay.port, connections: connections, requests: noops, duration: singleDuration)
            try Self.check(noop, "no-op route")
            noopSingles.append(noop.perSecond)
            let single = try await HTTPLoad.closedLoop(port: relay.port, connections: connections, requests: singles, duration: singleDuration)
            try Self.check(single, "single events")
            relaySingles.append(single.perSecond)
        }
        let latency = try await HTTPLoad.openLoop(
            port: relay.port, connections: 16, request: singles[0], rate: latencyRate, duration: latencyDuration)
        try Self.check(latency, "latency run")
        sampler.stop()

        report.append(BenchRow(
            name: "relay batch ingestion events/s (\(batchSize)/request, \(connections) conns)",
            ours: ingested.percentile(0.5), baseline: raw.percentile(0.5), baselineName: "raw producer, same batches"))
        report.append(BenchRow(
            name: "relay single-event requests/s (\(connections) conns)",
            ours: relaySingles.percentile(0.5), baseline: noopSingles.percentile(0.5), baselineName: "no-op POST, same server"))
        report.append(BenchRow(name: "relay single POST latency p50 ms (\(latencyRate)/s)", ours: latency.latencies.percentile(0.50) * 1000))
        report.append(BenchRow(name: "relay single POST latency p99 ms (\(latencyRate)/s)", ours: latency.latencies.percentile(0.99) * 1000))
        report.append(BenchRow(name: "relay RSS idle MB", ours: Double(idleRSS) / 1_048_576))
        report.append(BenchRow(name: "relay RSS peak under load MB", ours: Double(sampler.peak) / 1_048_576))
    }

    /// The same envelopes the relay would write, sent by the binding in the same batches and
    /// with the same concurrency as the HTTP clients; returns events/s.
    private func rawProducerRate(bootstrap: String, topic: String, events: [String]) async throws -> Double {
        var logger = Logger(label: "bench-raw")
        logger.logLevel = .error
        let producer = try KafkaProducer(connection: KafkaConnection(bootstrapServers: [bootstrap]), logger: logger)
        _ = try await producer.send(KafkaOutgoingMessage(topic: topic, key: "warmup", value: "warmup"))
        let parser = EventParser()
        let received = Date()
        let messages = try events.map { json in
            let envelope = try parser.parse(json: Data(json.utf8), type: nil, source: .v1, receivedAt: received).get()
            return KafkaOutgoingMessage(topic: topic, key: Array(envelope.partitionKey.utf8), value: [UInt8](envelope.jsonData()))
        }
        let chunks = stride(from: 0, to: messages.count, by: batchSize).map { Array(messages[$0..<min($0 + batchSize, messages.count)]) }
        let next = ChunkCursor()
        let started = ContinuousClock.now
        let failures = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var failed = 0
                    while let index = next.take(below: chunks.count) {
                        failed += await producer.send(chunks[index]).filter { (try? $0.get()) == nil }.count
                    }
                    return failed
                }
            }
            return await group.reduce(0, +)
        }
        let elapsed = KafkaBenchmark.seconds(ContinuousClock.now - started)
        await producer.close()
        guard failures == 0 else { throw BenchError("raw producer: \(failures) events not acknowledged") }
        return Double(messages.count) / elapsed
    }

    private static func check(_ outcome: HTTPLoad.Outcome, _ what: String) throws {
        guard outcome.failures == 0, outcome.completed > 0 else {
            throw BenchError("\(what): statuses \(outcome.statuses)")
        }
    }

    static func clickJSON(index: Int) -> String {
        let now = EventTimestamp.string(from: Date())
        return #"{"type":"click","occurredAt":"\#(now)","sessionId":"session-\#(index % 1000)","#
            + #""properties":{"buttonId":"msr-reactor-2.5l-stove-system","description":"Add to cart \#(index)"}}"#
    }
}

/// The next batch for the raw producer's workers to send.
private final class ChunkCursor: Sendable {
    private let value = Mutex(0)

    func take(below limit: Int) -> Int? {
        value.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// The `relay` executable from the same build, with its benchmark-only no-op route.
enum RelayProcess {
    /// `executable` is a name next to edm-bench or an absolute path (another build's relay).
    static func start(
        executable: String = "relay", bootstrap: String, prefix: String, environment: [String: String]
    ) async throws -> ServiceProcess {
        try await ServiceProcess.start(
            executable, arguments: ["--noop-route"],
            environment: [
                "KAFKA_URL": bootstrap, "KAFKA_PREFIX": prefix, "PORT": "0", "HOST": "127.0.0.1",
                "MAX_BATCH_EVENTS": "1000", "LOG_LEVEL": "info",
            ].merging(environment) { _, override in override },
            timeout: .seconds(20)
        ) { ServiceProcess.port(in: $0, lineContaining: "relay listening") }
    }
}

/// Samples a process's resident memory every 50 ms on its own thread and keeps the peak.
final class RSSSampler: Sendable {
    private let pid: Int32
    private let state = Mutex((running: false, peak: 0))

    init(pid: Int32) {
        self.pid = pid
    }

    var peak: Int { state.withLock { $0.peak } }

    func start() {
        state.withLock { $0.running = true }
        let thread = Thread { [self] in
            while state.withLock({ $0.running }) {
                let rss = ProcessStats.residentBytes(pid: pid)
                state.withLock { $0.peak = max($0.peak, rss) }
                usleep(50_000)
            }
        }
        thread.name = "bench-rss"
        thread.start()
    }

    func stop() {
        state.withLock { $0.running = false }
    }
}
