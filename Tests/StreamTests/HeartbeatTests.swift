import EDMEvents
import Foundation
import HTTPTypes
import StreamService
import Testing
import TestSupport

@Suite("Heartbeats and frame limits")
struct HeartbeatTests {
    @Test("the server pings; a client that never answers is closed, one that answers stays")
    func pingTimeout() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { $0.pingInterval = .seconds(1) }
        let answering = try await StreamClient.connect(port: stream.port)
        let silent = try await RawWebSocket.connect(port: stream.port, path: "/v1/stream")
        var seen: [RawWebSocket.Frame] = []
        let deadline = ContinuousClock.now + .seconds(15)
        while !seen.contains(where: { if case .close = $0 { true } else { false } }) {
            seen.append(try await silent.next(deadline: deadline))
        }
        #expect(seen.contains(.other(opcode: 9)))  // a ping came first
        #expect(seen.last == .close(code: 1001, reason: "Ping timeout"))
        #expect(answering.closeCode == nil)
        await answering.close()
        try await stream.stop()
    }

    @Test("a client message larger than the frame limit closes the connection with 1009")
    func oversizedMessage() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { $0.maxFrameSize = 4096 }
        let client = try await StreamClient.connect(port: stream.port)
        client.send(#"{"filter": {"sessionId": ""# + String(repeating: "x", count: 10_000) + #""}}"#)
        #expect(try await eventually { client.closeCode != nil })
        #expect(client.closeCode == 1009)
        try await stream.stop()
    }
}
