import EDMEvents
import EDMKafka
import Foundation
import Synchronization
import TestSupport

/// Collects every alert published on `edm-alerts` (all partitions, from the beginning), in
/// arrival order, duplicates included, so tests can check both the raw and the deduplicated set.
final class AlertTopicReader: Sendable {
    let consumer: KafkaConsumer
    private let received = Received()
    private let task: Task<Void, Never>

    final class Received: Sendable {
        let events = Mutex<[EventEnvelope]>([])
    }

    init(bootstrap: String, partitions: Int32) throws {
        let names = try KafkaNames(prefix: nil, registry: .all)
        let topic = names.topic(for: AlertProperties.self)
        var configuration = KafkaConsumerConfiguration(
            subscription: .partitions((0..<partitions).map {
                TopicPartitionOffset(TopicPartition(topic: topic, partition: $0), offset: KafkaOffset.beginning)
            }))
        configuration.clientID = uniqueName("alert-reader")
        configuration.extraProperties = ["fetch.wait.max.ms": "10"]
        consumer = try KafkaConsumer(connection: KafkaConnection(bootstrapServers: [bootstrap]), configuration: configuration)
        let decoder = EventRecordDecoder(names: names)
        let consumer = self.consumer
        let received = self.received
        task = Task {
            for await message in consumer.messages {
                let record = EventRecord(
                    topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
                    timestampMilliseconds: message.timestampMilliseconds)
                if case .success(let event) = decoder.decode(record) { received.events.withLock { $0.append(event) } }
            }
        }
    }

    /// Every alert envelope read so far, duplicates included.
    var envelopes: [EventEnvelope] { received.events.withLock { $0 } }

    /// The alerts after dropping repeated ids, as every reader does.
    var unique: [AlertProperties] {
        var seen = Set<UUID>()
        return envelopes.filter { seen.insert($0.id).inserted }.compactMap { $0.properties(as: AlertProperties.self) }
    }

    func close() async {
        await consumer.close()
        task.cancel()
    }
}

/// Produces client events the way the relay does (canonical envelope, keyed by session).
struct EventProducer {
    let producer: KafkaProducer
    let names: KafkaNames

    init(bootstrap: String) throws {
        producer = try KafkaProducer(connection: KafkaConnection(bootstrapServers: [bootstrap]))
        names = try KafkaNames(prefix: nil)
    }

    func send(_ events: [EventEnvelope]) async throws {
        let messages = events.map {
            KafkaOutgoingMessage(topic: names.topic(for: $0), key: Array($0.partitionKey.utf8), value: Array($0.jsonData()))
        }
        for result in await producer.send(messages) { _ = try result.get() }
    }

    func close() async {
        await producer.close()
    }
}

extension Fixtures {
    static var nowMilliseconds: Int64 { EventTimestamp.milliseconds(from: Date()) }

    /// Waits until the clock is in the first half of a window of `period` ms, so events
    /// stamped now are processed well before their window closes.
    static func waitForEarlyInWindow(of period: Int64) async throws {
        try await waitUntil("the first half of a window", timeout: .milliseconds(period * 2), every: .milliseconds(10)) {
            nowMilliseconds % period < period / 2
        }
    }

    /// `count` clicks of one session, all stamped `time` (occurredAt and receivedAt).
    static func burst(_ count: Int, session: String, at time: Int64) -> [EventEnvelope] {
        (0..<count).map { _ in click(session: session, at: time) }
    }
}
