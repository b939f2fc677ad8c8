import EDMCore
import EDMKafka
import Foundation
import Logging

/// Our binding against kcat (librdkafka's own CLI) on the same edm-broker in the same run.
struct KafkaBenchmark {
    let bootstrap: String
    let messageCount: Int
    let payloadSize: Int
    let logger: Logger

    static let partitions = 64

    static let rounds = 3
    static var topics: [String] {
        ["bench-latency"] + (1...rounds).flatMap { ["bench-kcat-\($0)", "bench-ours-\($0)"] }
    }

    /// Each comparison runs `rounds` times, alternating baseline and ours on fresh topics; the
    /// table shows medians (two shared cores make single runs noisy).
    func run(report: inout [BenchRow]) async throws {
        let payloads = (0..<messageCount).map { Self.payload(index: $0, size: payloadSize) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("edm-bench-\(getpid()).txt")
        // Same keys as ours (one per simulated session), so both spread over the same partitions.
        let lines = payloads.enumerated().map { "\(Self.key($0.offset))|\($0.element)" }
        try Data(lines.joined(separator: "\n").appending("\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        var kcatProduce: [Double] = [], oursProduce: [Double] = []
        var kcatConsume: [Double] = [], oursConsume: [Double] = [], startups: [Double] = []
        for round in 1...Self.rounds {
            let kcatSeconds = try await Self.timed {
                try await Shell.run("/usr/bin/kcat", ["-P", "-b", bootstrap, "-t", "bench-kcat-\(round)",
                    "-X", "enable.idempotence=true", "-X", "linger.ms=5", "-K", "|", "-l", file.path])
            }
            kcatProduce.append(Double(messageCount) / kcatSeconds)
            oursProduce.append(Double(messageCount) / (try await produceWithBinding(topic: "bench-ours-\(round)", payloads: payloads)))

            let kcatReadSeconds = try await Self.timed {
                try await Shell.run("/usr/bin/kcat", ["-C", "-b", bootstrap, "-t", "bench-ours-1", "-o", "beginning", "-e", "-q",
                    "-c", String(messageCount), "-f", "%s\n"], discardOutput: true)
            }
            kcatConsume.append(Double(messageCount) / kcatReadSeconds)
            let (startup, rate) = try await consumeWithBinding(topic: "bench-ours-1")
            oursConsume.append(rate)
            startups.append(startup)
        }
        report.append(BenchRow(
            name: "producer msgs/s (\(messageCount) x \(payloadSize) B, acks=all, idempotent)",
            ours: oursProduce.percentile(0.5), baseline: kcatProduce.percentile(0.5), baselineName: "kcat -P"))
        report.append(BenchRow(
            name: "consumer msgs/s (ours timed from first message)", ours: oursConsume.percentile(0.5),
            baseline: kcatConsume.percentile(0.5), baselineName: "kcat -C"))
        report.append(BenchRow(name: "consumer start to first message ms", ours: startups.percentile(0.5) * 1000))

        let latencies = try await awaitedSendLatencies(topic: "bench-latency", rate: 500, duration: .seconds(4))
        report.append(BenchRow(name: "awaited send latency p50 ms (500/s)", ours: latencies.percentile(0.50) * 1000))
        report.append(BenchRow(name: "awaited send latency p99 ms (500/s)", ours: latencies.percentile(0.99) * 1000))
    }

    private func connection() -> KafkaConnection { KafkaConnection(bootstrapServers: [bootstrap]) }

    /// Returns the seconds from the first enqueue to the last acknowledgement. A warm-up message
    /// first loads the topic's metadata, as in a long-running service (kcat's figure includes its
    /// start-up, which favours the baseline).
    private func produceWithBinding(topic: String, payloads: [String]) async throws -> Double {
        var configuration = KafkaProducerConfiguration()
        configuration.maxQueuedMessages = 500_000
        let producer = try KafkaProducer(connection: connection(), configuration: configuration, logger: logger)
        _ = try await producer.send(KafkaOutgoingMessage(topic: topic, key: "warmup", value: "warmup"))
        let chunk = 20_000
        let started = ContinuousClock.now
        let failures = await withTaskGroup(of: Int.self) { group in
            for start in stride(from: 0, to: payloads.count, by: chunk) {
                let messages = payloads[start..<min(start + chunk, payloads.count)].enumerated().map { offset, payload in
                    KafkaOutgoingMessage(topic: topic, key: Self.key(start + offset), value: payload)
                }
                group.addTask { await producer.send(messages).filter { (try? $0.get()) == nil }.count }
            }
            return await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - started
        await producer.close()
        guard failures == 0 else { throw BenchError("\(failures) messages failed to deliver") }
        return elapsed.inSeconds
    }

    /// Returns the start-up time (creation to first message) and the rate after it: a direct
    /// assignment with a group id waits about 0.5 s for librdkafka's group machinery before
    /// fetching, which a long-running consumer pays once.
    private func consumeWithBinding(topic: String) async throws -> (startup: Double, rate: Double) {
        let created = ContinuousClock.now
        let assignment = (0..<Int32(Self.partitions)).map {
            TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning)
        }
        var configuration = KafkaConsumerConfiguration(subscription: .partitions(assignment))
        configuration.bufferCapacity = 50_000
        let consumer = try KafkaConsumer(connection: connection(), configuration: configuration, logger: logger)
        var received = await consumer.nextBatch(maxCount: 1).count
        let first = ContinuousClock.now
        while received < messageCount {
            let batch = await consumer.nextBatch(maxCount: min(10_000, messageCount - received))
            if batch.isEmpty { break }
            received += batch.count
        }
        let done = ContinuousClock.now
        await consumer.close()
        guard received == messageCount else { throw BenchError("consumer read \(received) of \(messageCount)") }
        return (Self.seconds(first - created), Double(messageCount - 1) / Self.seconds(done - first))
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }

    /// Sends one message at a time at a steady rate, awaiting each acknowledgement.
    private func awaitedSendLatencies(topic: String, rate: Int, duration: Duration) async throws -> [Double] {
        let producer = try KafkaProducer(connection: connection(), logger: logger)
        _ = try await producer.send(KafkaOutgoingMessage(topic: topic, key: "warmup", value: "warmup"))
        let interval = Duration.seconds(1) / rate
        let count = Int(Double(rate) * Double(duration.components.seconds))
        let clock = ContinuousClock()
        var next = clock.now
        let latencies = try await withThrowingTaskGroup(of: Double.self) { group in
            for index in 0..<count {
                try await clock.sleep(until: next)
                next += interval
                group.addTask {
                    let start = clock.now
                    _ = try await producer.send(KafkaOutgoingMessage(topic: topic, key: "k\(index % 50)", value: Self.payload(index: index, size: 200)))
                    let elapsed = clock.now - start
                    return elapsed.inSeconds
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await producer.close()
        return latencies
    }

    static func key(_ index: Int) -> String { "session-\(index % 1000)" }

    static func payload(index: Int, size: Int) -> String {
        let head = "{\"type\":\"click\",\"n\":\(index),\"buttonId\":\"msr-reactor-2.5l-stove-system\",\"pad\":\""
        let tail = "\"}"
        return head + String(repeating: "x", count: max(0, size - head.utf8.count - tail.utf8.count)) + tail
    }

    static func timed(_ work: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await work()
        let elapsed = ContinuousClock.now - start
        return elapsed.inSeconds
    }
}
