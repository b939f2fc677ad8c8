import EDMEvents
import EDMKafka
import Foundation
import Logging
import Synchronization

/// The relay batch benchmark's baseline: the envelopes the relay would write, sent by our
/// binding in the same batches, with the same concurrency and the relay's producer settings
/// (idempotent, acks=all, its linger), to the topic the relay writes. One producer serves every
/// round, as the relay's one producer does, and sends a first batch before any round so the
/// topic's metadata and partition leaders are known: a fresh topic (and producer) per round
/// measured librdkafka's start-up as much as its throughput.
struct RawProducerBaseline {
    let producer: KafkaProducer
    let chunks: [[KafkaOutgoingMessage]]

    static func start(
        bootstrap: String, topic: String, events: [String], batchSize: Int, linger: Duration
    ) async throws -> RawProducerBaseline {
        var logger = Logger(label: "bench-raw")
        logger.logLevel = .error
        var configuration = KafkaProducerConfiguration()
        configuration.clientID = "edm-bench-raw"
        configuration.linger = linger
        let producer = try KafkaProducer(
            connection: KafkaConnection(bootstrapServers: [bootstrap]), configuration: configuration, logger: logger)
        let parser = EventParser()
        let received = Date()
        let messages = try events.map { json in
            let envelope = try parser.parse(json: Data(json.utf8), type: nil, source: .v1, receivedAt: received).get()
            return KafkaOutgoingMessage(topic: topic, key: Array(envelope.partitionKey.utf8), value: [UInt8](envelope.jsonData()))
        }
        let chunks = stride(from: 0, to: messages.count, by: batchSize).map { Array(messages[$0..<min($0 + batchSize, messages.count)]) }
        let baseline = RawProducerBaseline(producer: producer, chunks: chunks)
        let warmed = await producer.send(chunks[0]).filter { (try? $0.get()) == nil }.count
        guard warmed == 0 else { throw BenchError("raw producer warm-up: \(warmed) events not acknowledged") }
        return baseline
    }

    /// Sends every batch, `connections` awaited batches at a time; returns events/s.
    func rate(connections: Int) async throws -> Double {
        let chunks = self.chunks
        let producer = self.producer
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
        guard failures == 0 else { throw BenchError("raw producer: \(failures) events not acknowledged") }
        return Double(chunks.reduce(0) { $0 + $1.count }) / elapsed
    }

    func close() async {
        await producer.close()
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
