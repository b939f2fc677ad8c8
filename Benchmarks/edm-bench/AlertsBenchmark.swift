import AlertsService
import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The alerts service with its default rules: how fast events go through the rules (decode,
/// windows, watermark, committable offsets) against our binding's raw consume of the same
/// topics in the same run, and the event-to-alert latency: from sending the click that crosses
/// `session-click-burst`'s critical threshold to the alert arriving on `edm-alerts`.
struct AlertsBenchmark {
    var events = 100_000
    var rounds = 3
    var latencySamples = 100
    var logger: Logger = {
        var logger = Logger(label: "alerts-bench")
        logger.logLevel = .error
        return logger
    }()

    func run(bootstrap: String, report: inout [BenchRow]) async throws {
        let connection = KafkaConnection(bootstrapServers: [bootstrap])
        var rates: [Double] = [], rawRates: [Double] = [], latencies: [Double] = []
        for round in 1...rounds {
            let names = try KafkaNames(prefix: "bench-alerts-\(getpid())-\(round).", registry: .all)
            try await produce(names: names, connection: connection)
            rawRates.append(try await rawConsume(names: names, connection: connection))
            let (rate, roundLatencies) = try await throughputAndLatency(names: names, connection: connection)
            rates.append(rate)
            latencies += roundLatencies
        }
        report.append(BenchRow(
            name: "alerts events/s through the 4 default rules (\(events) events over 60 s)",
            ours: median(rates), baseline: median(rawRates), baselineName: "raw consume (binding)",
            goal: .ratioAtLeast(0.5)))
        report.append(BenchRow(name: "alerts event-to-alert latency p50 ms (critical crossing)", ours: latencies.percentile(0.5) * 1000))
        report.append(BenchRow(
            name: "alerts event-to-alert latency p99 ms (aim < window + grace + 1 s = 16,000)",
            ours: latencies.percentile(0.99) * 1000, goal: .below(16_000)))
    }

    /// Storefront-shaped events stamped over the last minute, so the rebuild reads them all.
    private func produce(names: KafkaNames, connection: KafkaConnection) async throws {
        var configuration = KafkaProducerConfiguration()
        configuration.maxQueuedMessages = 500_000
        let producer = try KafkaProducer(connection: connection, configuration: configuration, logger: logger)
        let start = Date().addingTimeInterval(-60)
        let messages = (0..<events).map { index -> KafkaOutgoingMessage in
            let time = start.addingTimeInterval(Double(index) * 60 / Double(events))
            let session = "session-\(index % 2_000)"
            let envelope: EventEnvelope =
                index % 3 == 2
                ? EventEnvelope(
                    occurredAt: time, receivedAt: time, sessionId: session,
                    properties: PageLoadProperties(
                        url: "https://shop.example.com/products/\(index % 12)",
                        userAgent: index % 50 == 0 ? "Googlebot/2.1" : "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)"))
                : EventEnvelope(
                    occurredAt: time, receivedAt: time, sessionId: session,
                    properties: ClickProperties(buttonId: "button-\(index % 40)", description: "Add to cart"))
            return KafkaOutgoingMessage(topic: names.topic(for: envelope), key: Array(session.utf8), value: Array(envelope.jsonData()))
        }
        let failures = await producer.send(messages).filter { (try? $0.get()) == nil }.count
        await producer.close()
        guard failures == 0 else { throw BenchError("\(failures) of \(events) events were not acknowledged") }
    }

    private func rawConsume(names: KafkaNames, connection: KafkaConnection) async throws -> Double {
        let assignment = try await partitions(of: [names.topic(for: ClickProperties.self), names.topic(for: PageLoadProperties.self)], connection: connection)
            .map { TopicPartitionOffset($0, offset: KafkaOffset.beginning) }
        var configuration = KafkaConsumerConfiguration(subscription: .partitions(assignment))
        configuration.bufferCapacity = 50_000
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        var received = await consumer.nextBatch(maxCount: 1).count
        let first = ContinuousClock.now
        while received < events {
            let batch = await consumer.nextBatch(maxCount: min(10_000, events - received))
            if batch.isEmpty { break }
            received += batch.count
        }
        let elapsed = ContinuousClock.now - first
        await consumer.close()
        guard received == events else { throw BenchError("raw consumer read \(received) of \(events)") }
        return Double(events - 1) / elapsed.inSeconds
    }

    /// The service in process: the rebuild reads every event produced above (timed from the
    /// first consumed), then live bursts measure the latency.
    private func throughputAndLatency(names: KafkaNames, connection: KafkaConnection) async throws -> (Double, [Double]) {
        var configuration = AlertsConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: 0), kafka: connection, names: names, rules: DefaultRules.rules)
        configuration.consumerGroup = ConsumerGroup(rawValue: "bench-alerts-\(UInt32.random(in: 0...UInt32.max))")
        configuration.fetchWait = .milliseconds(10)
        configuration.sessionTimeout = .seconds(6)
        let server = try AlertsServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: server.services.map { .init(service: $0) }, logger: logger))
        let task = Task { try await group.run() }
        let stats = server.metrics.stats
        let deadline = ContinuousClock.now + .seconds(120)
        while stats.consumed.load(ordering: .relaxed) == 0 {
            guard ContinuousClock.now < deadline else { throw BenchError("alerts consumed nothing in 120 s") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let first = ContinuousClock.now
        let firstCount = stats.consumed.load(ordering: .relaxed)
        while stats.consumed.load(ordering: .relaxed) < events {
            guard ContinuousClock.now < deadline else { throw BenchError("alerts consumed \(stats.consumed.load(ordering: .relaxed)) of \(events)") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let rate = Double(events - firstCount) / (ContinuousClock.now - first).inSeconds
        while !stats.live.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        let latencies = try await burstLatencies(names: names, connection: connection)
        await group.triggerGracefulShutdown()
        try await task.value
        return (rate, latencies)
    }

    /// One session at a time sends 30 clicks at once (the default critical); the latency runs
    /// from sending the batch to the critical alert for that session arriving on edm-alerts.
    private func burstLatencies(names: KafkaNames, connection: KafkaConnection) async throws -> [Double] {
        let alertsTopic = names.topic(for: AlertProperties.self)
        let producer = try KafkaProducer(connection: connection, logger: logger)
        // A warm-up burst makes the service publish, which creates the alerts topic.
        for result in await producer.send(burst(session: "warm-up-\(getpid())", names: names)) { _ = try result.get() }
        var assignment: [TopicPartitionOffset] = []
        let created = ContinuousClock.now + .seconds(30)
        while assignment.isEmpty {
            guard ContinuousClock.now < created else { throw BenchError("the alerts topic did not appear in 30 s") }
            assignment = ((try? await partitions(of: [alertsTopic], connection: connection)) ?? [])
                .map { TopicPartitionOffset($0, offset: KafkaOffset.beginning) }
            if assignment.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        var readerConfiguration = KafkaConsumerConfiguration(subscription: .partitions(assignment))
        readerConfiguration.extraProperties = ["fetch.wait.max.ms": "5"]
        let reader = try KafkaConsumer(connection: connection, configuration: readerConfiguration, logger: logger)
        let decoder = EventRecordDecoder(names: names)
        var latencies: [Double] = []
        for sample in 0..<latencySamples {
            let session = "burst-\(getpid())-\(sample)"
            let messages = burst(session: session, names: names)
            let sent = ContinuousClock.now
            for result in await producer.send(messages) { _ = try result.get() }
            var found = false
            let deadline = ContinuousClock.now + .seconds(30)
            while !found {
                guard ContinuousClock.now < deadline else { throw BenchError("no critical alert for \(session) in 30 s") }
                for message in await reader.nextBatch(maxCount: 100) {
                    let record = EventRecord(
                        topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
                        timestampMilliseconds: message.timestampMilliseconds)
                    if case .success(let event) = decoder.decode(record), let alert = event.properties(as: AlertProperties.self),
                        alert.key == session, alert.level == .critical, !alert.resolved
                    {
                        found = true
                    }
                }
            }
            latencies.append((ContinuousClock.now - sent).inSeconds)
        }
        await reader.close()
        await producer.close()
        return latencies
    }

    /// 30 clicks of one session stamped now: the default session-click-burst critical.
    private func burst(session: String, names: KafkaNames) -> [KafkaOutgoingMessage] {
        let now = Date()
        return (0..<30).map { _ in
            let envelope = EventEnvelope(
                occurredAt: now, receivedAt: now, sessionId: session, properties: ClickProperties(buttonId: "burst"))
            return KafkaOutgoingMessage(topic: names.topic(for: envelope), key: Array(session.utf8), value: Array(envelope.jsonData()))
        }
    }

    private func partitions(of topics: [String], connection: KafkaConnection) async throws -> [TopicPartition] {
        let probe = try KafkaConsumer(
            connection: connection, configuration: KafkaConsumerConfiguration(subscription: .partitions([])), logger: logger)
        let counts = try await probe.partitionCounts(topics: topics)
        await probe.close()
        return counts.flatMap { topic, count in (0..<count).map { TopicPartition(topic: topic, partition: $0) } }
    }
}
