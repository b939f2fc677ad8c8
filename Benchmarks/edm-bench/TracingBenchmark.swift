import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import EDMPostgres
import EDMTracing
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import StatsService
import Synchronization
import Tracing

/// What tracing costs (`--only tracing`, run on its own: it bootstraps a tracer for the process).
/// - relay, as deployed: batch ingestion and single-event requests with `OTEL_EXPORTER_OTLP_ENDPOINT`
///   unset (NoOpTracer: only trace context and record headers) against the same build exporting
///   every span to a local OTLP/HTTP sink, rounds interleaved; with `--baseline-relay PATH`, also
///   against a relay built without this change (no headers, no trace context);
/// - stats ingest events/s with no tracer, then with the OTLP tracer bootstrapped (a process
///   cannot drop its tracer again, so these runs are not interleaved);
/// - the per-event work the relay does for trace context and headers with no tracer, on one
///   core, against encoding the same event's JSON (which the relay does anyway).
struct TracingBenchmark {
    var batchEvents = 50_000
    var batchSize = 100
    var connections = 32
    var singleDuration: Duration = .seconds(3)
    var rounds = 3
    var statsEvents = 40_000
    var baselineRelay: String?

    func run(bootstrap: String, databaseURL: String, report: inout [BenchRow]) async throws {
        let sink = try await OTLPSink.start()
        defer { sink.stop() }
        try await relay(bootstrap: bootstrap, sink: sink, report: &report)
        // Before stats: that part bootstraps the process's tracer, which is then never NoOp again.
        try perEvent(report: &report)
        try await stats(bootstrap: bootstrap, databaseURL: databaseURL, sink: sink, report: &report)
    }

    private func relay(bootstrap: String, sink: OTLPSink, report: inout [BenchRow]) async throws {
        var variants: [(name: String, executable: String, environment: [String: String])] = [
            ("off", "relay", [:]),
            ("on", "relay", ["OTEL_EXPORTER_OTLP_ENDPOINT": sink.endpoint, "OTEL_BSP_MAX_QUEUE_SIZE": "65536"]),
        ]
        if let baselineRelay { variants.append(("before", baselineRelay, [:])) }
        var batch: [String: [Double]] = [:], single: [String: [Double]] = [:]
        let events = (0..<batchEvents).map { RelayBenchmark.clickJSON(index: $0) }
        let batches = stride(from: 0, to: events.count, by: batchSize).map { start in
            HTTPLoad.post("/v1/events", body: Array("[\(events[start..<min(start + batchSize, events.count)].joined(separator: ","))]".utf8))
        }
        let singles = events.prefix(1000).map { HTTPLoad.post("/v1/events", body: Array($0.utf8)) }
        for round in 1...rounds {
            for variant in variants {
                let relay = try await RelayProcess.start(
                    executable: variant.executable, bootstrap: bootstrap, prefix: "bench-trace-\(getpid())-\(round)-\(variant.name).",
                    environment: variant.environment)
                defer { relay.stop() }
                _ = try await HTTPLoad.closedLoop(port: relay.port, connections: 4, requests: batches, limit: 20)
                let load = try await HTTPLoad.closedLoop(port: relay.port, connections: connections, requests: batches, limit: batches.count)
                guard load.failures == 0 else { throw BenchError("relay \(variant.name): statuses \(load.statuses)") }
                batch[variant.name, default: []].append(Double(load.completed * batchSize) / load.elapsed)
                let singleLoad = try await HTTPLoad.closedLoop(port: relay.port, connections: connections, requests: singles, duration: singleDuration)
                guard singleLoad.failures == 0 else { throw BenchError("relay \(variant.name): statuses \(singleLoad.statuses)") }
                single[variant.name, default: []].append(singleLoad.perSecond)
            }
        }
        guard sink.exports > 0 else { throw BenchError("the OTLP sink received no spans from the exporting relay") }
        report.append(BenchRow(
            name: "relay batch ingestion events/s, OTLP export off (\(batchSize)/request)",
            ours: batch["off"]!.percentile(0.5), baseline: batch["on"]!.percentile(0.5), baselineName: "same build, OTLP export on"))
        report.append(BenchRow(
            name: "relay single-event requests/s, OTLP export off",
            ours: single["off"]!.percentile(0.5), baseline: single["on"]!.percentile(0.5), baselineName: "same build, OTLP export on"))
        if baselineRelay != nil {
            report.append(BenchRow(
                name: "relay batch ingestion events/s, OTLP export off (headers, trace context)",
                ours: batch["off"]!.percentile(0.5), baseline: batch["before"]!.percentile(0.5), baselineName: "relay before tracing"))
            report.append(BenchRow(
                name: "relay single-event requests/s, OTLP export off (headers, trace context)",
                ours: single["off"]!.percentile(0.5), baseline: single["before"]!.percentile(0.5), baselineName: "relay before tracing"))
        }
        report.append(BenchRow(name: "OTLP sink: export requests from the exporting relays", ours: Double(sink.exports)))
    }

    private func stats(bootstrap: String, databaseURL: String, sink: OTLPSink, report: inout [BenchRow]) async throws {
        var logger = Logger(label: "tracing-bench")
        logger.logLevel = .error
        let bench = StatsBenchmark(events: statsEvents, logger: logger)
        let connection = KafkaConnection(bootstrapServers: [bootstrap])
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: databaseURL), logger: logger)
        try await StatsDatabase.migrate(pool: pool, waitingUpTo: .seconds(10), logger: logger)
        var off: [Double] = [], on: [Double] = []
        var namesByRound: [KafkaNames] = []
        for round in 1...rounds {
            let names = try KafkaNames(prefix: "bench-trace-stats-\(getpid())-\(round).")
            try await bench.produce(events: statsEvents, names: names, connection: connection)
            namesByRound.append(names)
            off.append(try await bench.ingestRate(names: names, connection: connection, pool: pool))
        }
        setenv("OTEL_EXPORTER_OTLP_ENDPOINT", sink.endpoint, 1)
        setenv("OTEL_BSP_MAX_QUEUE_SIZE", "65536", 1)
        try TracingExport.bootstrap(serviceName: "stats-bench", environment: .process)
        let exporter = TracingExport.services.first
        let exporting = Task { try await exporter?.run() }
        defer { exporting.cancel() }
        let before = sink.exports
        for names in namesByRound {
            on.append(try await bench.ingestRate(names: names, connection: connection, pool: pool))
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while sink.exports == before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        guard sink.exports > before else { throw BenchError("the OTLP sink received no spans from stats") }
        report.append(BenchRow(
            name: "stats ingest events/s, no tracer (\(statsEvents) events)",
            ours: off.percentile(0.5), baseline: on.percentile(0.5), baselineName: "OTLP tracer, a span per event"))
    }

    /// The relay's per-event tracing work with no tracer: trace context and the record headers
    /// (a request of 100 events per `ProducerTracing`), against encoding the envelopes.
    private func perEvent(report: inout [BenchRow]) throws {
        guard !TracerContext.isActive else { throw BenchError("a tracer is bootstrapped: the no-tracer figure would be wrong") }
        let envelopes = DecodeBenchmark.envelopes(count: 20_000)
        var traced: [Double] = [], encoded: [Double] = []
        var context = ServiceContext.topLevel
        context.eventTrace = TraceIDGenerator.newTrace()
        for _ in 0..<5 {
            var sink = 0
            var started = ContinuousClock.now
            for start in stride(from: 0, to: envelopes.count, by: 100) {
                let tracing = ProducerTracing(context: context)
                for index in start..<min(start + 100, envelopes.count) {
                    let envelope = envelopes[index]
                    let send = tracing.start(topic: "edm-ui-click", key: envelope.sessionId, messageID: nil, index: index - start)
                    sink &+= EventRecordHeaders(
                        eventType: envelope.type, schemaVersion: envelope.schemaVersion, traceParent: send.traceParent,
                        traceState: tracing.traceState
                    ).kafkaHeaders.count
                }
            }
            traced.append(Double(envelopes.count) / (ContinuousClock.now - started).inSeconds)
            started = ContinuousClock.now
            for envelope in envelopes { sink &+= envelope.jsonData().count }
            encoded.append(Double(envelopes.count) / (ContinuousClock.now - started).inSeconds)
            guard sink > 0 else { throw BenchError("nothing computed") }
        }
        report.append(BenchRow(
            name: "trace context + record headers events/s (no tracer, 1 core)",
            ours: traced.percentile(0.5), baseline: encoded.percentile(0.5), baselineName: "envelope JSON encode"))
    }
}

/// An OTLP/HTTP endpoint that accepts every export and counts the requests: a stand-in
/// collector, so export costs what it costs against a real one on loopback.
final class OTLPSink: Sendable {
    private let group: ServiceGroup
    private let requests: Requests
    let port: Int

    var endpoint: String { "http://127.0.0.1:\(port)" }
    /// Export requests received so far.
    var exports: Int { requests.count.load(ordering: .relaxed) }

    private final class Requests: Sendable {
        let count = Atomic<Int>(0)
    }

    private init(group: ServiceGroup, requests: Requests, port: Int) {
        self.group = group
        self.requests = requests
        self.port = port
    }

    static func start() async throws -> OTLPSink {
        let requests = Requests()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 64 << 20)
            requests.count.add(1, ordering: .relaxed)
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init())
        }
        var logger = Logger(label: "otlp-sink")
        logger.logLevel = .error
        let port = PortBox()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "otlp-sink"),
            onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while port.value == 0 {
            guard ContinuousClock.now < deadline else { throw BenchError("the OTLP sink did not start") }
            try await Task.sleep(for: .milliseconds(5))
        }
        return OTLPSink(group: group, requests: requests, port: port.value)
    }

    func stop() {
        let group = self.group
        Task { await group.triggerGracefulShutdown() }
    }
}
