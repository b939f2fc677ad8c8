import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Produce and consume through edm-broker")
struct ProduceConsumeTests {
    @Test("every message sent is read back with its key, value and headers, in order per key")
    func roundTrip() async throws {
        let broker = try await TestBroker(topics: ["rt:4"])
        let producer = try producer(broker.bootstrapServers)
        let outgoing = (0..<200).map { index in
            KafkaOutgoingMessage(
                topic: "rt", key: "session-\(index % 7)", value: "{\"n\":\(index)}",
                headers: [KafkaHeader(key: "source", value: "test-\(index)")])
        }
        let reports = await producer.send(outgoing)
        #expect(reports.allSatisfy { (try? $0.get()) != nil })
        #expect(Set(reports.compactMap { try? $0.get().partition }).count > 1)

        let consumer = try groupConsumer(broker.bootstrapServers, group: uniqueName("g"), topics: ["rt"])
        let received = try await collect(consumer, count: 200)
        #expect(Set(received.map { $0.valueString! }) == Set(outgoing.map { String(decoding: $0.value!, as: UTF8.self) }))
        for message in received {
            let index = Int(message.valueString!.dropFirst(5).dropLast())!
            #expect(message.keyString == "session-\(index % 7)")
            #expect(message.headers == [KafkaHeader(key: "source", value: "test-\(index)")])
            #expect(message.timestamp != nil)
        }
        // One key lands in one partition, in the order it was sent.
        for key in 0..<7 {
            let values = received.filter { $0.keyString == "session-\(key)" }
            #expect(Set(values.map(\.partition)).count == 1)
            let order = values.map { Int($0.valueString!.dropFirst(5).dropLast())! }
            #expect(order == order.sorted())
        }
        await consumer.close()
        await producer.close()
    }

    @Test("tombstones and bytes that are not UTF-8 pass through without harm")
    func tombstonesAndBinary() async throws {
        let broker = try await TestBroker(topics: ["bin:1"])
        let producer = try producer(broker.bootstrapServers)
        let binary: [UInt8] = [0xFF, 0xFE, 0x00, 0xC3, 0x28]
        _ = try await producer.send(KafkaOutgoingMessage(topic: "bin", key: nil, value: nil as [UInt8]?))
        _ = try await producer.send(KafkaOutgoingMessage(topic: "bin", key: binary, value: binary))
        let consumer = try groupConsumer(broker.bootstrapServers, group: uniqueName("g"), topics: ["bin"])
        let received = try await collect(consumer, count: 2)
        #expect(received[0].value == nil)
        #expect(received[0].key == nil)
        #expect(received[1].value == binary)
        #expect(received[1].valueString == nil)
        await consumer.close()
        await producer.close()
    }

    @Test("two consumer groups each see every message")
    func twoGroups() async throws {
        let broker = try await TestBroker(topics: ["fan:3"])
        let producer = try producer(broker.bootstrapServers)
        _ = await producer.send(messages(topic: "fan", count: 60))
        let first = try groupConsumer(broker.bootstrapServers, group: uniqueName("stream"), topics: ["fan"])
        let second = try groupConsumer(broker.bootstrapServers, group: uniqueName("stats"), topics: ["fan"])
        async let a = collect(first, count: 60)
        async let b = collect(second, count: 60)
        let (fromFirst, fromSecond) = try await (a, b)
        #expect(Set(fromFirst.map(\.valueString)) == Set(fromSecond.map(\.valueString)))
        #expect(Set(fromFirst.map(\.valueString)).count == 60)
        await first.close()
        await second.close()
        await producer.close()
    }

    @Test("stored offsets committed by one consumer are where the next one starts")
    func committedOffsetsSurviveRestart() async throws {
        let broker = try await TestBroker(topics: ["commit:2"])
        let producer = try producer(broker.bootstrapServers)
        _ = await producer.send(messages(topic: "commit", count: 20))
        let group = uniqueName("g")

        let first = try groupConsumer(broker.bootstrapServers, group: group, topics: ["commit"])
        let firstBatch = try await collect(first, count: 20)
        for message in firstBatch { try first.storeOffset(message) }
        try await first.commit()
        let committed = try await first.committed([
            TopicPartition(topic: "commit", partition: 0), TopicPartition(topic: "commit", partition: 1),
        ])
        #expect(committed.values.reduce(0, +) == 20)
        await first.close()

        let later = (20..<30).map { KafkaOutgoingMessage(topic: "commit", key: "k\($0)", value: "value-\($0)") }
        _ = await producer.send(later)
        let second = try groupConsumer(broker.bootstrapServers, group: group, topics: ["commit"])
        let secondBatch = try await collect(second, count: 10)
        #expect(Set(secondBatch.compactMap(\.valueString)) == Set((20..<30).map { "value-\($0)" }))
        // Nothing more arrives: the first twenty were not redelivered.
        let extra = try? await collect(second, count: 1, timeout: .seconds(2))
        #expect(extra == nil)
        await second.close()
        await producer.close()
    }

    @Test("offsets that were never stored are not committed")
    func unstoredOffsetsAreNotCommitted() async throws {
        let broker = try await TestBroker(topics: ["nostore:1"])
        let producer = try producer(broker.bootstrapServers)
        _ = await producer.send(messages(topic: "nostore", count: 10))
        let group = uniqueName("g")
        let first = try groupConsumer(
            broker.bootstrapServers, group: group, topics: ["nostore"], commitMode: .automatic(interval: .milliseconds(100)))
        let batch = try await collect(first, count: 10)
        try first.storeOffset(batch[3])  // processed up to offset 3 only
        // The automatic committer commits the stored offset (4), never the fetched position (10).
        let partition = TopicPartition(topic: "nostore", partition: 0)
        #expect(try await eventually(timeout: .seconds(10)) { try await first.committed([partition])[partition] == 4 })
        await first.close()
        let second = try groupConsumer(broker.bootstrapServers, group: group, topics: ["nostore"])
        let again = try await collect(second, count: 6)
        #expect(again.map(\.offset) == Array(4...9))
        await second.close()
        await producer.close()
    }
}
