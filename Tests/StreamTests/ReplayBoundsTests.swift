import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@testable import StreamService

@Suite("Replays are bounded in time and memory")
struct ReplayBoundsTests {
    @Test("a replay's deadline holds while the client reads nothing: it is closed and the next replay runs")
    func deadlineHoldsForAClientThatDoesNotRead() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        // History older than the server: it must come from Kafka, in ~3 KB frames, far more
        // than the socket buffers and the history lane of a client that reads nothing hold.
        let events = SlowClientTests.bigEvents(1_500)
        let factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce(events.map(factory.message))
        await producer.close()
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { configuration in
            configuration.recentEventCapacity = 0
            configuration.maxReplayCount = 2_000
            configuration.replayTimeout = .seconds(2)
            configuration.stallTimeout = .seconds(300)  // only the replay deadline may end it
            configuration.maxConcurrentKafkaReplays = 1
            configuration.pingInterval = .seconds(300)
        }
        let stalled = try await RawWebSocket.connect(port: stream.port, path: "/v1/stream?last=1500", receiveBuffer: 4096)
        _ = stalled
        #expect(try await eventually(timeout: .seconds(20)) { stream.server.stats.closedCounts["replay_failed"] == 1 })
        // The only Kafka replay slot is free again: a reading client gets its history.
        let reader = try await StreamClient.connect(port: stream.port, query: "last=5")
        #expect(reader.events.count == 5)
        await reader.close()
        try await stream.stop()
    }

    @Test("last=N keeps about N events while reading, not N per partition")
    func lastKeepsOnlyN() {
        let partitions = (0..<8).map { TopicPartition(topic: "t", partition: Int32($0)) }
        var collected: [StreamEvent] = []
        var largest = 0
        // Eight partitions' look-back of 100 each, delivered in batches as the reader does.
        for batch in 0..<16 {
            let events = (0..<50).map { index in
                RecentEventsTests.event(
                    partitions[batch / 2], Int64(batch % 2 * 50 + index), at: Int64(batch * 1_000 + index))
            }
            collected = Replayer.mostRecent(100, of: collected + events, matching: .all)
            largest = max(largest, collected.count)
        }
        #expect(largest == 100)
        // The 100 latest by timestamp: the last two batches, partition 7, in offset order.
        #expect(collected.map(\.partition) == Array(repeating: partitions[7], count: 100))
        #expect(collected.map(\.offset) == (0..<100).map(Int64.init))
    }

    @Test("replay consumers prefetch a bounded amount, whatever the live feed's settings")
    func prefetchBounded() throws {
        var configuration = RunningStream.configuration(bootstrap: "127.0.0.1:1")
        configuration.consumerProperties = ["fetch.wait.max.ms": "5"]
        let reader = KafkaRangeReader(
            connection: configuration.kafka, clientID: "test", decoder: EventDecoder(names: configuration.names, redactUserAgent: true),
            fetchWait: .milliseconds(50), extraProperties: configuration.consumerProperties, logger: quietLogger)
        let properties = reader.consumerConfiguration(for: [TopicPartition(topic: "t", partition: 0): 0..<10]).extraProperties
        #expect(properties["queued.max.messages.kbytes"] == "2048")
        #expect(properties["queued.min.messages"] == "1000")
        #expect(properties["fetch.wait.max.ms"] == "5")
    }
}
