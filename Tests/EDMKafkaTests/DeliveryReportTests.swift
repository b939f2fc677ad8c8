import EDMKafka
import Testing
import TestSupport

/// Delivery reports are served by tasks librdkafka's queue callback starts (no poll thread):
/// none may be lost between two polls, and closing must still resume every waiting sender.
@Suite("Delivery reports without a poll thread")
struct DeliveryReportTests {
    @Test("many concurrent single sends are each acknowledged once, at distinct offsets")
    func concurrentSends() async throws {
        let broker = try await TestBroker(topics: ["acks:4"])
        let producer = try producer(broker.bootstrapServers) { $0.linger = .zero }
        let count = 400
        let reports = try await withThrowingTaskGroup(of: DeliveryReport.self) { group in
            for message in messages(topic: "acks", count: count, keys: 40) {
                group.addTask { try await producer.send(message) }
            }
            return try await group.reduce(into: [DeliveryReport]()) { $0.append($1) }
        }
        #expect(reports.count == count)
        #expect(Set(reports.map { "\($0.partition)/\($0.offset)" }).count == count)
        await producer.close()
    }

    @Test("closing with sends waiting on an absent broker resumes every sender with an error")
    func closeResumesWaiters() async throws {
        // Nothing listens on this port: the messages stay queued until close purges them.
        let producer = try producer("127.0.0.1:1") { $0.deliveryTimeout = .seconds(60) }
        let sending = Task { await producer.send(messages(topic: "nowhere", count: 50)) }
        try await waitUntil("all 50 messages queued") { producer.queueDepth == 50 }
        await producer.close(flushTimeout: .milliseconds(100))
        let results = await sending.value
        #expect(results.count == 50)
        #expect(results.allSatisfy { (try? $0.get()) == nil })
    }
}
