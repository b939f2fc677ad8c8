import EDMEvents
import EDMHTTP
import EDMKafka
import Foundation
import HTTPTypes
import Testing
import TestSupport

@Suite("Admission: tokens and the client limit, answered before the upgrade")
struct AdmissionTests {
    @Test("tokens: 401 without, 403 when wrong, accepted by header or ?token=; operational routes stay open")
    func tokens() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            $0.tokens = .init(["alpha-token", "beta-token"])
        }
        let missing = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream")
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"] == "Bearer")
        #expect(missing.json?["error"]?["code"] == "unauthorized")
        let wrong = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?token=gamma-token")
        #expect(wrong.status == 403)
        #expect(wrong.json?["error"]?["code"] == "forbidden")
        let wrongHeader = try await RawHTTP.upgrade(
            port: stream.port, path: "/v1/stream", headers: [("Authorization", "Bearer alpha")])
        #expect(wrongHeader.status == 403)

        let byHeader = try await StreamClient.connect(port: stream.port, headers: [.authorization: "Bearer beta-token"])
        let byQuery = try await StreamClient.connect(port: stream.port, query: "token=alpha-token&types=click")
        var factory = EventFactory()
        let event = factory.click()
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce([factory.message(event)])
        #expect(try await byHeader.waitForEvents(1))
        #expect(try await byQuery.waitForEvents(1))
        #expect(byQuery.eventIDs == [event.id.uuidString.lowercased()])

        #expect(try await RawHTTP.get(port: stream.port, path: "/health").status == 200)
        #expect(try await RawHTTP.get(port: stream.port, path: "/metrics").status == 200)
        #expect(stream.server.stats.connectionCount == 2)
        await byHeader.close()
        await byQuery.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("beyond the client limit upgrades get 503 with Retry-After until a place frees up")
    func clientLimit() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { $0.maxClients = 2 }
        let first = try await StreamClient.connect(port: stream.port)
        let second = try await StreamClient.connect(port: stream.port)
        let refused = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream")
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == "5")
        #expect(refused.json?["error"]?["code"] == "unavailable")
        await first.close()
        // The place is released when the connection ends; then a new client gets in.
        #expect(try await eventually {
            (try? await RawHTTP.upgrade(port: stream.port, path: "/v1/stream").status) == 101
        })
        await second.close()
        try await stream.stop()
    }

    @Test("one token (or, without tokens, one address) cannot take every place: 429 beyond its quota")
    func perTokenLimit() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            $0.tokens = BearerTokens(["team-a", "team-b"])
            $0.maxClientsPerOwner = 2
        }
        let first = try await StreamClient.connect(port: stream.port, query: "token=team-a")
        let second = try await StreamClient.connect(port: stream.port, headers: [.authorization: "Bearer team-a"])
        let refused = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?token=team-a")
        #expect(refused.status == 429)
        #expect(refused.json?["error"]?["code"] == "too_many_connections")
        // Another token still gets in.
        let other = try await StreamClient.connect(port: stream.port, query: "token=team-b")
        await first.close()
        #expect(try await eventually {
            (try? await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?token=team-a").status) == 101
        })
        for client in [second, other] { await client.close() }
        try await stream.stop()
    }

    @Test("without tokens the quota is per client address")
    func perAddressLimit() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) { $0.maxClientsPerOwner = 1 }
        let first = try await StreamClient.connect(port: stream.port)
        // A made-up bearer value does not buy a fresh quota on an open stream.
        let refused = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?token=anything")
        #expect(refused.status == 429)
        await first.close()
        try await stream.stop()
    }
}
