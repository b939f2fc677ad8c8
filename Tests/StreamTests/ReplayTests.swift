import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Replay: history first, then live, no gap and no duplicate")
struct ReplayTests {
    /// Single-partition topics, so "the last N" is also "the last N produced".
    static let onePartition = ["edm-ui-click:1", "edm-ui-pageload:1"]

    @Test("last=N from memory: the N most recent events, the live notice, then live events")
    func lastFromMemory() async throws {
        let broker = try await TestBroker(topics: Self.onePartition)
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        var factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)
        let history = (0..<30).map { _ in factory.click() }
        try await producer.produce(history.map(factory.message))
        #expect(try await eventually { stream.server.stats.consumedCount == 30 })

        let client = try await StreamClient.connect(port: stream.port, query: "last=10")
        #expect(client.eventIDs == history.suffix(10).map { $0.id.uuidString.lowercased() })
        #expect(client.controls("live").first?["replayed"] == .integer(10))
        let live = (0..<10).map { _ in factory.click() }
        try await producer.produce(live.map(factory.message))
        #expect(try await client.waitForEvents(20))
        #expect(client.eventIDs == (history.suffix(10) + live).map { $0.id.uuidString.lowercased() })
        // The live notice sits exactly between history and live frames.
        let kinds = client.allFrames.map { $0["kind"]?.stringValue ?? "event" }
        #expect(kinds == Array(repeating: "event", count: 10) + ["live"] + Array(repeating: "event", count: 10))
        await client.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("last=N with a filter replays the N most recent matching events")
    func lastWithFilter() async throws {
        let broker = try await TestBroker(topics: Self.onePartition)
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        var factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)
        let history = (0..<20).map { factory.click(button: $0 % 2 == 0 ? "even" : "odd") }
        try await producer.produce(history.map(factory.message))
        #expect(try await eventually { stream.server.stats.consumedCount == 20 })
        let client = try await StreamClient.connect(port: stream.port, query: "last=6&buttonId=even")
        let evens = history.filter { $0.properties(as: ClickProperties.self)?.buttonId == "even" }
        // Looking back 6 offsets holds 3 even clicks.
        #expect(client.eventIDs == evens.suffix(3).map { $0.id.uuidString.lowercased() })
        await client.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("last=N and since= from Kafka when the server started after the events were produced")
    func historyFromKafka() async throws {
        let broker = try await TestBroker(topics: Self.onePartition)
        var factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)
        let before = Date()
        let history = (0..<25).map { _ in factory.click() }
        try await producer.produce(history.map(factory.message))
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)

        let last = try await StreamClient.connect(port: stream.port, query: "last=7")
        #expect(last.eventIDs == history.suffix(7).map { $0.id.uuidString.lowercased() })
        let since = try await StreamClient.connect(
            port: stream.port, query: "since=\(EventTimestamp.string(from: before.addingTimeInterval(-1)))")
        #expect(since.eventIDs == history.map { $0.id.uuidString.lowercased() })
        #expect(since.controls("live").first?["replayed"] == .integer(25))
        let future = try await StreamClient.connect(
            port: stream.port, query: "since=\(EventTimestamp.string(from: Date().addingTimeInterval(3600)))")
        #expect(future.events.isEmpty)

        let live = (0..<5).map { _ in factory.click() }
        try await producer.produce(live.map(factory.message))
        for (client, expected) in [(last, Array(history.suffix(7)) + live), (since, history + live), (future, live)] {
            #expect(try await client.waitForEvents(expected.count))
            #expect(client.eventIDs == expected.map { $0.id.uuidString.lowercased() })
        }
        for client in [last, since, future] { await client.close() }
        await producer.close()
        try await stream.stop()
    }

    @Test("since= from Kafka while events keep arriving: every event exactly once, partitions in order")
    func sinceUnderConcurrentProduction() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:4", "edm-ui-pageload:4"])
        // No ring: history always comes from Kafka; a small queue makes the live lane overflow
        // during the replay, so the hand-over has to catch up.
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            $0.recentEventCapacity = 0
            $0.clientQueueCapacity = 32
        }
        let producer = try testProducer(broker.bootstrapServers)
        let start = Date().addingTimeInterval(-1)
        let total = 400
        let produced = Task {
            var factory = EventFactory()
            var events: [EventEnvelope] = []
            for index in 0..<total {
                let event = index % 4 == 0 ? factory.pageLoad() : factory.click(button: "b\(index % 5)")
                try await producer.produce([factory.message(event)])
                events.append(event)
            }
            return events
        }
        // Join in the middle of the production.
        #expect(try await eventually { stream.server.stats.consumedCount >= 100 })
        let client = try await StreamClient.connect(
            port: stream.port, query: "since=\(EventTimestamp.string(from: start))", waitForLive: false)
        let events = try await produced.value
        #expect(try await client.waitForEvents(total, timeout: .seconds(30)))
        #expect(try await client.waitUntil { $0.contains { $0["kind"] == "live" } })
        let ids = client.eventIDs
        #expect(ids.count == total)
        #expect(Set(ids).count == ids.count, "duplicates")
        #expect(Set(ids) == Set(events.map { $0.id.uuidString.lowercased() }), "gap")
        #expect(client.controls("dropped").isEmpty)
        // The session id is the key, so one session's events of one type share a partition.
        for session in Set(events.map(\.sessionId)) {
            for type in ["click", "pageload"] {
                let order = events.filter { $0.sessionId == session && $0.type == type }.map { $0.id.uuidString.lowercased() }
                let got = client.events.filter { $0["sessionId"]?.stringValue == session && $0["type"]?.stringValue == type }
                #expect(got.compactMap { $0["id"]?.stringValue } == order)
            }
        }
        await client.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("since= from memory: history then live")
    func sinceFromMemory() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        var factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)
        let start = Date()
        let history = (0..<12).map { _ in factory.pageLoad() }
        try await producer.produce(history.map(factory.message))
        #expect(try await eventually { stream.server.stats.consumedCount == 12 })
        let client = try await StreamClient.connect(port: stream.port, query: "since=\(EventTimestamp.string(from: start))")
        #expect(Set(client.eventIDs) == Set(history.map { $0.id.uuidString.lowercased() }))
        #expect(client.eventIDs.count == 12)
        let live = (0..<3).map { _ in factory.pageLoad() }
        try await producer.produce(live.map(factory.message))
        #expect(try await client.waitForEvents(15))
        #expect(Array(client.eventIDs.suffix(3)).sorted() == live.map { $0.id.uuidString.lowercased() }.sorted())
        await client.close()
        await producer.close()
        try await stream.stop()
    }
}
