import EDMEvents
import EDMKafka
import Foundation
import StreamService
import Testing
import TestSupport

@Suite("Slow clients never delay the others")
struct SlowClientTests {
    /// Frames of about 3 KB (URL and description near their limits), so a few thousand fill
    /// every buffer between server and a client that does not read (its receive buffer is
    /// fixed at 4 KB).
    static func bigEvents(_ count: Int) -> [EventEnvelope] {
        var factory = EventFactory()
        let path = String(repeating: "a", count: 1_900)
        let description = String(repeating: "d", count: 1_000)
        return (0..<count).map {
            factory.pageLoad(url: "https://shop.example.com/\(path)?n=\($0)", description: description)
        }
    }

    /// Produces in chunks smaller than the client queues, each consumed before the next, so a
    /// client that reads keeps up and only the stalled one overflows.
    static func produceSteadily(_ events: [EventEnvelope], to broker: TestBroker, stream: RunningStream) async throws {
        let factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)
        let already = stream.server.stats.consumedCount
        for start in stride(from: 0, to: events.count, by: 30) {
            let end = min(start + 30, events.count)
            try await producer.produce(events[start..<end].map(factory.message))
            guard try await eventually(timeout: .seconds(30), { stream.server.stats.consumedCount >= already + end }) else {
                throw HarnessError("the feed did not consume \(end) events")
            }
        }
        await producer.close()
    }

    static func configure(_ configuration: inout StreamConfiguration) {
        configuration.clientQueueCapacity = 64
        configuration.recentEventCapacity = 100
        configuration.pingInterval = .seconds(300)
    }

    @Test("a stalled client gets a dropped notice with the exact count; the others get everything promptly")
    func stalledClientIsDroppedNotWaitedFor() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:4", "edm-ui-pageload:4"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers, configure: Self.configure)
        let stalled = try await RawWebSocket.connect(port: stream.port, path: "/v1/stream", receiveBuffer: 4096)
        #expect(try await stalled.next(deadline: .now + .seconds(10)).isLiveNotice(replayed: 0))
        var readers: [StreamClient] = []
        for _ in 0..<3 { readers.append(try await StreamClient.connect(port: stream.port)) }

        let events = Self.bigEvents(1_500)
        try await Self.produceSteadily(events, to: broker, stream: stream)
        for reader in readers {
            #expect(try await reader.waitForEvents(events.count, timeout: .seconds(30)))
            #expect(reader.controls("dropped").isEmpty)
        }
        #expect(try await eventually { stream.server.stats.droppedCount > 0 })

        // Now the stalled client reads: what it got plus what it was told was dropped is all.
        var received = Set<String>()
        var dropped = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while received.count + dropped < events.count {
            guard case .text(let text) = try await stalled.next(deadline: deadline) else { continue }
            let frame = try JSONValue.parse(text)
            if frame["kind"] == "dropped" {
                dropped += Int(frame["count"]?.int64Value ?? 0)
            } else if let id = frame["id"]?.stringValue {
                #expect(!received.contains(id), "duplicate \(id)")
                received.insert(id)
            }
        }
        #expect(dropped > 0)
        #expect(received.count + dropped == events.count)
        #expect(dropped == stream.server.stats.droppedCount)
        for reader in readers { await reader.close() }
        try await stream.stop()
    }

    @Test("with the close policy an overflowing client is closed with 4000; the others are not affected")
    func closePolicy() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            Self.configure(&$0)
            $0.overflowPolicy = .close
        }
        let stalled = try await RawWebSocket.connect(port: stream.port, path: "/v1/stream", receiveBuffer: 4096)
        #expect(try await stalled.next(deadline: .now + .seconds(10)).isLiveNotice(replayed: 0))
        let reader = try await StreamClient.connect(port: stream.port)
        let events = Self.bigEvents(1_500)
        try await Self.produceSteadily(events, to: broker, stream: stream)
        #expect(try await reader.waitForEvents(events.count, timeout: .seconds(30)))
        #expect(try await eventually { stream.server.stats.closedCounts["slow"] == 1 })
        var close: RawWebSocket.Frame?
        let deadline = ContinuousClock.now + .seconds(30)
        while close == nil {
            let frame = try await stalled.next(deadline: deadline)
            if case .close = frame { close = frame }
        }
        #expect(close == .close(code: 4000, reason: "slow consumer: queue overflow"))
        #expect(reader.closeCode == nil)
        await reader.close()
        try await stream.stop()
    }

    @Test("a client whose socket accepts nothing is disconnected after the stall timeout")
    func stallTimeout() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            Self.configure(&$0)
            $0.stallTimeout = .seconds(1)
        }
        let stalled = try await RawWebSocket.connect(port: stream.port, path: "/v1/stream", receiveBuffer: 4096)
        #expect(try await stalled.next(deadline: .now + .seconds(10)).isLiveNotice(replayed: 0))
        try await Self.produceSteadily(Self.bigEvents(1_500), to: broker, stream: stream)
        #expect(try await eventually(timeout: .seconds(30)) { stream.server.stats.closedCounts["stalled"] == 1 })
        // What the kernel had buffered can still be read; then the connection is gone (no close
        // frame: the socket accepted nothing, so the server cut it).
        var outcome = ""
        while outcome.isEmpty {
            do {
                _ = try await stalled.next(deadline: .now + .seconds(10))
            } catch {
                outcome = "\(error)"
            }
        }
        #expect(outcome.contains("closed by the server") || outcome.contains("recv() failed"), "\(outcome)")
        try await stream.stop()
    }
}
