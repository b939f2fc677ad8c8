import EDMEvents
import EDMKafka
import Foundation
import Synchronization

/// The relay as deployed (the built `relay` executable, next to this one) over real loopback
/// HTTP, against baselines on the same broker in the same run:
/// - batch ingestion events/s vs our binding's producer sending the same envelopes in the same
///   batches with the same concurrency, without HTTP or validation, to the topic the relay
///   writes (warm: its partitions and leaders known) with the relay's producer settings;
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
    /// The relay's `linger.ms` (its KAFKA_LINGER_MS default unless overridden above), which the
    /// raw producer uses too.
    var relayLinger: Duration {
        .milliseconds(relayEnvironment["KAFKA_LINGER_MS"].flatMap(Int.init) ?? 0)
    }
    static let rounds = 3

    func run(bootstrap: String, report: inout [BenchRow]) async throws {
        let prefix = "bench-relay-\(getpid())."
        let relay = try await RelayProcess.start(bootstrap: bootstrap, prefix: prefix, environment: relayEnvironment)
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

        // The baseline writes where the relay writes, warmed by the relay's warm-up above and its
        // own first batch: a fresh topic per round kept it near 75k msgs/s (librdkafka fetching
        // metadata and leaders while the first batches wait), far below a warm producer.
        let rawTopic = prefix + ClickProperties.topicBase
        let rawProducer = try await RawProducerBaseline.start(
            bootstrap: bootstrap, topic: rawTopic, events: events, batchSize: batchSize, linger: relayLinger)
        var raw: [Double] = [], ingested: [Double] = [], relaySingles: [Double] = [], noopSingles: [Double] = []
        for _ in 1...Self.rounds {
            raw.append(try await rawProducer.rate(connections: connections))
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
        await rawProducer.close()

        report.append(BenchRow(
            name: "relay batch ingestion events/s (\(batchSize)/request, \(connections) conns)",
            ours: ingested.percentile(0.5), baseline: raw.percentile(0.5),
            baselineName: "raw producer, same batches, warm topic", goal: .ratioAtLeast(0.4)))
        report.append(BenchRow(
            name: "relay single-event requests/s (\(connections) conns)",
            ours: relaySingles.percentile(0.5), baseline: noopSingles.percentile(0.5),
            baselineName: "no-op POST, same server", goal: .ratioAtLeast(0.8)))
        report.append(BenchRow(name: "relay single POST latency p50 ms (\(latencyRate)/s)", ours: latency.latencies.percentile(0.50) * 1000))
        report.append(BenchRow(name: "relay single POST latency p99 ms (\(latencyRate)/s)", ours: latency.latencies.percentile(0.99) * 1000))
        report.append(BenchRow(name: "relay RSS idle MB", ours: Double(idleRSS) / 1_048_576))
        report.append(BenchRow(name: "relay RSS peak under load MB", ours: Double(sampler.peak) / 1_048_576))
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
