import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Replay: seek, direct assignment, watermarks, lag")
struct ReplayTests {
    @Test("direct assignment reads from the given offsets without a group, and seek moves back")
    func directAssignmentAndSeek() async throws {
        let broker = try await TestBroker(topics: ["replay:1"])
        let producer = try producer(broker.bootstrapServers)
        _ = await producer.send(messages(topic: "replay", count: 20))
        let partition = TopicPartition(topic: "replay", partition: 0)
        var configuration = KafkaConsumerConfiguration(subscription: .partitions([TopicPartitionOffset(partition, offset: 15)]))
        configuration.clientID = "replay"
        let consumer = try KafkaConsumer(
            connection: KafkaConnection(bootstrapServers: [broker.bootstrapServers]), configuration: configuration,
            logger: quietLogger)
        let tail = try await collect(consumer, count: 5)
        #expect(tail.map(\.offset) == Array(15...19))

        try await consumer.seek([TopicPartitionOffset(partition, offset: 2)])
        let replayed = try await collect(consumer, count: 18)
        #expect(replayed.map(\.offset) == Array(2...19))

        let marks = try await consumer.watermarks(partition)
        #expect(marks.low == 0 && marks.high == 20)
        #expect(try await eventually { (try consumer.lag().first?.lag) == 0 })
        #expect(try consumer.lag().first?.position == 20)

        _ = await producer.send(messages(topic: "replay", count: 3))
        let live = try await collect(consumer, count: 3)
        #expect(live.map(\.offset) == [20, 21, 22])
        await consumer.close()
        await producer.close()
    }

    @Test("offsets for times finds the first message at or after a timestamp")
    func offsetsForTimes() async throws {
        let broker = try await TestBroker(topics: ["times:1"])
        let producer = try producer(broker.bootstrapServers)
        _ = await producer.send(messages(topic: "times", count: 5))
        // Timestamps are milliseconds: wait for the clock to pass each boundary, no longer.
        let lastEarly = Int64(Date().timeIntervalSince1970 * 1000)
        let middle = try await Self.millisecondAfter(lastEarly)
        _ = try await Self.millisecondAfter(middle)
        _ = await producer.send(messages(topic: "times", count: 5))
        let partition = TopicPartition(topic: "times", partition: 0)
        let consumer = try KafkaConsumer(
            connection: KafkaConnection(bootstrapServers: [broker.bootstrapServers]),
            configuration: KafkaConsumerConfiguration(subscription: .partitions([TopicPartitionOffset(partition, offset: 0)])),
            logger: quietLogger)
        let found = try await consumer.offsets(forTimestamps: [partition: middle])
        #expect(found[partition] == 5)
        let beginning = try await consumer.offsets(forTimestamps: [partition: 0])
        #expect(beginning[partition] == 0)
        let future = try await consumer.offsets(forTimestamps: [partition: middle + 3_600_000])
        #expect(future[partition] == KafkaOffset.end)
        await consumer.close()
        await producer.close()
    }

    /// The first wall-clock millisecond after `milliseconds`, once it has begun.
    static func millisecondAfter(_ milliseconds: Int64) async throws -> Int64 {
        while true {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            if now > milliseconds { return now }
            try await Task.sleep(for: .microseconds(200))
        }
    }
}
