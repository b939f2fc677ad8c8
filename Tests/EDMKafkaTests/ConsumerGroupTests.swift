import EDMKafka
import Foundation
import Synchronization
import Testing
import TestSupport

@Suite("Consumer groups and rebalances")
struct ConsumerGroupTests {
    @Test("two members split the partitions and the survivor takes over when one leaves")
    func splitAndTakeOver() async throws {
        let broker = try await TestBroker(topics: ["split:4"])
        let group = uniqueName("g")
        let all = Set((0..<4).map { TopicPartition(topic: "split", partition: $0) })
        let first = try groupConsumer(broker.bootstrapServers, group: group, topics: ["split"])
        #expect(try await eventually { first.assignment == all })
        let second = try groupConsumer(broker.bootstrapServers, group: group, topics: ["split"])
        #expect(try await eventually {
            !first.assignment.isEmpty && !second.assignment.isEmpty
                && first.assignment.isDisjoint(with: second.assignment)
                && first.assignment.union(second.assignment) == all
        })
        await second.close()
        #expect(try await eventually { first.assignment == all })

        // Everything produced after the departure reaches the survivor.
        let producer = try producer(broker.bootstrapServers)
        _ = await producer.send(messages(topic: "split", count: 40))
        let received = try await collect(first, count: 40)
        #expect(Set(received.map(\.partition)) == Set(0..<4))
        await first.close()
        await producer.close()
    }

    @Test("the assign hook runs before the assignment and its offsets are where reading starts")
    func assignHookSeeks() async throws {
        let broker = try await TestBroker(topics: ["hook:2"])
        let producer = try producer(broker.bootstrapServers)
        _ = await producer.send(messages(topic: "hook", count: 40, keys: 40))
        let counts = try await (0..<2).asyncMap { try await producer.partitionWatermark(broker.bootstrapServers, "hook", $0) }
        let log = EventLog()
        let handler = RebalanceHandler(
            onAssign: { partitions in
                log.append("assign \(partitions.count)")
                // Start every partition at offset 3: only a hook that runs before assign can do this.
                return Dictionary(uniqueKeysWithValues: partitions.map { ($0, 3) })
            },
            onRevoke: { partitions in log.append("revoke \(partitions.count)") })
        let consumer = try groupConsumer(broker.bootstrapServers, group: uniqueName("g"), topics: ["hook"], rebalance: handler)
        let expected = counts.map { max(0, Int($0) - 3) }.reduce(0, +)
        let received = try await collect(consumer, count: expected)
        for partition in 0..<2 {
            let offsets = received.filter { $0.partition == partition }.map(\.offset).sorted()
            #expect(offsets.first == (counts[partition] > 3 ? 3 : nil))
        }
        #expect(log.entries.first == "assign 2")
        await consumer.close()
        #expect(log.entries.last == "revoke 2")
        await producer.close()
    }

    @Test("the revoke hook runs while the partitions are still owned, before another member gets them")
    func revokeHookBeforeHandOver() async throws {
        let broker = try await TestBroker(topics: ["revoke:2"])
        let group = uniqueName("g")
        let ownedDuringRevoke = Mutex<[Set<TopicPartition>]>([])
        let holder = ConsumerHolder()
        let handler = RebalanceHandler(onRevoke: { partitions in
            // Simulate finishing in-flight work, and record what this member still owned then.
            try? await Task.sleep(for: .milliseconds(200))
            ownedDuringRevoke.withLock { $0.append(holder.consumer?.assignment ?? []) }
            _ = partitions
        })
        let first = try groupConsumer(broker.bootstrapServers, group: group, topics: ["revoke"], rebalance: handler)
        holder.consumer = first
        #expect(try await eventually { first.assignment.count == 2 })
        let second = try groupConsumer(broker.bootstrapServers, group: group, topics: ["revoke"])
        #expect(try await eventually { second.assignment.count == 1 && first.assignment.count == 1 })
        let seen = ownedDuringRevoke.withLock { $0 }
        #expect(seen.first?.count == 2, "at revoke time the first member still owned both partitions")
        await first.close()
        await second.close()
    }
}

final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ entry: String) { storage.withLock { $0.append(entry) } }
    var entries: [String] { storage.withLock { $0 } }
}

final class ConsumerHolder: @unchecked Sendable {
    var consumer: KafkaConsumer?
}

extension KafkaProducer {
    /// The high watermark of a partition, asked through a throwaway consumer.
    func partitionWatermark(_ bootstrap: String, _ topic: String, _ partition: Int32) async throws -> Int64 {
        var configuration = KafkaConsumerConfiguration(
            subscription: .partitions([TopicPartitionOffset(topic: topic, partition: partition, offset: KafkaOffset.end)]))
        configuration.clientID = "watermark"
        let consumer = try KafkaConsumer(
            connection: KafkaConnection(bootstrapServers: [bootstrap]), configuration: configuration, logger: quietLogger)
        let high = try await consumer.watermarks(TopicPartition(topic: topic, partition: partition)).high
        await consumer.close()
        return high
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
