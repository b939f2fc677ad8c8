import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Resume: Kafka positions as cursors, exact on any instance")
struct ResumeTests {
    static let topics = ["edm-ui-click:3", "edm-ui-pageload:2"]

    @Test("a client that reads 100 events and resumes on another instance gets exactly the 100 it missed")
    func resumeOnAnotherInstance() async throws {
        let broker = try await TestBroker(topics: Self.topics)
        let first = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let second = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let producer = try testProducer(broker.bootstrapServers)
        var factory = EventFactory()

        let reader = try await StreamClient.connect(port: first.port)
        let seen = (0..<100).map { $0 % 3 == 0 ? factory.pageLoad() : factory.click() }
        try await producer.produce(seen.map(factory.message))
        #expect(try await reader.waitForEvents(100))
        // The checkpoint after the last batch names every position read.
        #expect(try await reader.waitUntil { _ in reader.everyFrame.last?["kind"] == "checkpoint" })
        let cursor = try #require(reader.lastCursor)
        await reader.close()

        let missed = (0..<100).map { $0 % 4 == 0 ? factory.pageLoad() : factory.click() }
        try await producer.produce(missed.map(factory.message))
        #expect(try await eventually { second.server.stats.consumedCount >= 200 })

        let resumed = try await StreamClient.connect(port: second.port, query: "resume=\(cursor)")
        #expect(try await resumed.waitForEvents(100))
        let ids = resumed.eventIDs
        #expect(ids.count == 100)
        #expect(Set(ids) == Set(missed.map { $0.id.uuidString.lowercased() }))
        #expect(Set(ids).isDisjoint(with: Set(reader.eventIDs)))
        #expect(resumed.controls("live").first?["replayed"] == .integer(100))
        #expect(resumed.controls("gap").isEmpty)

        // Then live, still exactly once.
        let live = (0..<5).map { _ in factory.click() }
        try await producer.produce(live.map(factory.message))
        #expect(try await resumed.waitForEvents(105))
        #expect(Array(resumed.eventIDs.dropFirst(100)).sorted() == live.map { $0.id.uuidString.lowercased() }.sorted())
        await resumed.close()
        await producer.close()
        try await first.stop()
        try await second.stop()
    }

    @Test("resume from Kafka (no ring) with checkpoints inside the history; a cut-off client resumes from inside it")
    func resumeFromKafkaWithHistoryCheckpoints() async throws {
        let broker = try await TestBroker(topics: Self.topics)
        let producer = try testProducer(broker.bootstrapServers)
        var factory = EventFactory()
        let events = (0..<3_000).map { $0 % 5 == 0 ? factory.pageLoad() : factory.click() }
        try await producer.produce(events.map(factory.message))
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { $0.recentEventCapacity = 0 }

        // An empty cursor names no partition: every partition from its start.
        let all = try await StreamClient.connect(port: stream.port, query: "resume=\(StreamCursor().encoded)")
        #expect(all.eventIDs.count == 3_000)
        #expect(Set(all.eventIDs) == Set(events.map { $0.id.uuidString.lowercased() }))
        let frames = all.everyFrame
        let liveIndex = try #require(frames.firstIndex { $0["kind"] == "live" })
        let historyCheckpoints = frames[..<liveIndex].filter { $0["kind"] == "checkpoint" }
        #expect(historyCheckpoints.count >= 2, "a checkpoint per batch read from Kafka")
        await all.close()

        // Every history checkpoint is an exact resume point: what came before it plus what a
        // resume from it delivers is every event once.
        let middle = try #require(historyCheckpoints[historyCheckpoints.count / 2]["cursor"]?.stringValue)
        let middleIndex = try #require(frames.firstIndex { $0["cursor"]?.stringValue == middle })
        let before = frames[..<middleIndex].filter { $0["kind"] == nil }.compactMap { $0["id"]?.stringValue }
        let rest = try await StreamClient.connect(port: stream.port, query: "resume=\(middle)")
        #expect(rest.eventIDs.count + before.count == 3_000)
        #expect(Set(rest.eventIDs).union(before) == Set(events.map { $0.id.uuidString.lowercased() }))
        await rest.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("a cursor older than retention gets a gap notice with how many records are gone, then what is left")
    func gapNotice() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        // No ring: a ring that saw every event since the cursor would serve them, and there would
        // be no gap to report.
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { $0.recentEventCapacity = 0 }
        let producer = try testProducer(broker.bootstrapServers)
        var factory = EventFactory()
        let first = factory.click()
        try await producer.produce([factory.message(first)])
        // The feed has read it, so the cursor the client gets is past it.
        #expect(try await eventually { stream.server.stats.consumedCount == 1 })
        let reader = try await StreamClient.connect(port: stream.port, query: "last=1")
        let cursor = try #require(reader.lastCursor)
        await reader.close()

        // The mock broker keeps about 5 MiB per partition: 64 records of 100 KB push the first
        // record (and some of the filler) out.
        let filler = KafkaOutgoingMessage(topic: "edm-ui-click", key: nil, value: Array(repeating: UInt8(ascii: "x"), count: 100_000))
        // Chunk by chunk, the feed keeping up: a feed left behind the trimming would jump ahead.
        for chunk in 1...8 {
            try await producer.produce(Array(repeating: filler, count: 8))
            #expect(try await eventually { stream.server.stats.skippedCounts.values.reduce(0, +) >= chunk * 8 })
        }
        let after = (0..<3).map { _ in factory.click() }
        try await producer.produce(after.map(factory.message))
        let metadata = try KafkaConsumer(
            connection: KafkaConnection(bootstrapServers: [broker.bootstrapServers]),
            configuration: KafkaConsumerConfiguration(subscription: .partitions([])), logger: quietLogger)
        let marks = try await metadata.watermarks(TopicPartition(topic: "edm-ui-click", partition: 0))
        await metadata.close()
        #expect(marks.low > 1, "the broker trimmed the partition")
        #expect(try await eventually { stream.server.stats.consumedCount >= 4 })

        let resumed = try await StreamClient.connect(port: stream.port, query: "resume=\(cursor)")
        let gap = try #require(resumed.controls("gap").first)
        #expect(gap["missed"] == .integer(marks.low - 1))
        let partitions = gap["partitions"]?.arrayValue ?? []
        #expect(partitions.count == 1)
        #expect(partitions.first?["topic"] == "edm-ui-click")
        #expect(partitions.first?["from"] == .integer(1))
        #expect(partitions.first?["to"] == .integer(marks.low))
        #expect(partitions.first?["missed"] == .integer(marks.low - 1))
        // The gap notice comes first, then what is still there (filler is not an event).
        #expect(resumed.allFrames.first?["kind"] == "gap")
        #expect(resumed.eventIDs == after.map { $0.id.uuidString.lowercased() })
        await resumed.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("malformed and foreign cursors are refused before the upgrade with a precise message")
    func refusedCursors() async throws {
        let broker = try await TestBroker(topics: Self.topics)
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let cases: [(query: String, code: String, message: String)] = [
            ("resume=hello", "bad_request", "not a cursor"),
            ("resume=c9.AA", "bad_request", "cursor version c9"),
            ("resume=c1.***", "bad_request", "base64url"),
            ("resume=\(StreamCursor().encoded)&last=5", "bad_request", "use one of last, since and resume"),
            ("resume=\(StreamCursor(positions: ["other-clicks": [0: 5]]).encoded)", "foreign_cursor", "does not serve"),
            ("resume=\(StreamCursor(positions: ["edm-ui-click": [7: 5]]).encoded)", "foreign_cursor", "names partition 7 of edm-ui-click, which has 3"),
            ("resume=\(StreamCursor(positions: ["edm-ui-click": [0: 5_000]]).encoded)", "foreign_cursor", "ends at 0"),
        ]
        for (query, code, message) in cases {
            let response = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?\(query)")
            #expect(response.status == 400, "\(query)")
            let error = response.json?["error"]
            #expect(error?["code"]?.stringValue == code, "\(query): \(String(decoding: response.body, as: UTF8.self))")
            let text = ([error?["message"]?.stringValue] + (error?["details"]?.arrayValue ?? []).map { $0["message"]?.stringValue })
                .compactMap { $0 }.joined(separator: " | ")
            #expect(text.contains(message), "\(query): \(text)")
        }
        try await stream.stop()
    }
}
