import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Filters: query string before the upgrade, messages after it")
struct FilterTests {
    @Test("query filters select by type, button id (with commas), device type and session")
    func queryFilters() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:3", "edm-ui-pageload:3"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let commaButton = "bunum-wo-aa,-papua-new-guinea"
        let encoded = commaButton.replacingOccurrences(of: ",", with: "%2C")
        let clicks = try await StreamClient.connect(port: stream.port, query: "types=click")
        let buttons = try await StreamClient.connect(port: stream.port, query: "buttonId=\(encoded)&buttonId=the-camper's-kit")
        let mobiles = try await StreamClient.connect(port: stream.port, query: "deviceType=mobile,tablet")
        let session = try await StreamClient.connect(port: stream.port, query: "sessionId=chosen&types=pageload")
        let everything = try await StreamClient.connect(port: stream.port)

        var factory = EventFactory()
        let iphone = PageLoadProperties.example.userAgent
        let desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"
        let events = [
            factory.click(button: commaButton), factory.click(button: "the-camper's-kit", session: "chosen"),
            factory.click(button: "other"), factory.pageLoad(userAgent: iphone, session: "chosen"),
            factory.pageLoad(userAgent: desktop), factory.pageLoad(userAgent: desktop, session: "chosen"),
        ]
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce(events.map(factory.message))
        #expect(try await everything.waitForEvents(events.count))

        func ids(_ chosen: [EventEnvelope]) -> Set<String> { Set(chosen.map { $0.id.uuidString.lowercased() }) }
        #expect(try await clicks.waitForEvents(3))
        #expect(try await buttons.waitForEvents(2))
        #expect(try await mobiles.waitForEvents(1))
        #expect(try await session.waitForEvents(2))
        // Everything was delivered to the unfiltered client, so nothing more can arrive late.
        #expect(Set(clicks.eventIDs) == ids(Array(events[0...2])))
        #expect(Set(buttons.eventIDs) == ids([events[0], events[1]]))
        #expect(Set(mobiles.eventIDs) == ids([events[3]]))
        #expect(Set(session.eventIDs) == ids([events[3], events[5]]))
        for client in [clicks, buttons, mobiles, session, everything] { await client.close() }
        await producer.close()
        try await stream.stop()
    }

    @Test("a filter message changes the filter from its acknowledgement on; bad messages get error frames")
    func messageFilters() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:2", "edm-ui-pageload:2"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let client = try await StreamClient.connect(port: stream.port)
        let witness = try await StreamClient.connect(port: stream.port)
        var factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)

        client.send(#"{"filter": {"types": "pageload"}}"#)
        #expect(try await client.waitUntil { $0.contains { $0["kind"] == "filter" } })
        #expect(client.controls("filter").first?["filter"] == ["types": ["pageload"]])
        let mixed = [factory.click(), factory.pageLoad(), factory.click(), factory.pageLoad()]
        try await producer.produce(mixed.map(factory.message))
        #expect(try await witness.waitForEvents(4))
        #expect(try await client.waitForEvents(2))
        #expect(Set(client.eventIDs) == Set([mixed[1], mixed[3]].map { $0.id.uuidString.lowercased() }))

        // Errors answer bad messages and leave the connection (and the filter) as they were.
        client.send("not json")
        client.send(#"{"subscribe": "everything"}"#)
        client.send(#"{"filter": {"types": ["bogus"], "deviceType": ["fridge"], "colour": "red"}}"#)
        #expect(try await client.waitUntil { $0.filter { $0["kind"] == "error" }.count == 3 })
        let errors = client.controls("error")
        #expect(errors.map { $0["code"]?.stringValue } == ["malformed_json", "unknown_message", "bad_filter"])
        let paths = errors[2]["details"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
        #expect(paths == ["filter.colour", "filter.deviceType[0]", "filter.types[0]"])

        client.send(#"{"filter": null}"#)
        #expect(try await client.waitUntil { $0.filter { $0["kind"] == "filter" }.count == 2 })
        #expect(client.controls("filter").last?["filter"] == [:])
        let more = [factory.click(), factory.pageLoad()]
        try await producer.produce(more.map(factory.message))
        #expect(try await client.waitForEvents(4))
        #expect(Array(client.eventIDs.suffix(2)).sorted() == more.map { $0.id.uuidString.lowercased() }.sorted())
        #expect(client.closeCode == nil)
        await client.close()
        await witness.close()
        await producer.close()
        try await stream.stop()
    }

    @Test("bad query parameters get 400 with every problem listed, before any upgrade")
    func badQueryIsRefused() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let response = try await RawHTTP.upgrade(
            port: stream.port, path: "/v1/stream?types=click,bogus&deviceType=fridge&last=0&colour=red")
        #expect(response.status == 400)
        #expect(response.headers["upgrade"] == nil)
        #expect(response.json?["error"]?["code"] == "bad_request")
        let paths = response.json?["error"]?["details"]?.arrayValue?.compactMap { $0["path"]?.stringValue }
        #expect(Set(paths ?? []) == ["colour", "types[1]", "deviceType[0]", "last"])

        for query in ["since=yesterday", "last=5&since=2024-05-01T00:00:00Z", "last=100000", "sessionId=", "types="] {
            let refused = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?\(query)")
            #expect(refused.status == 400, "\(query)")
            #expect(refused.json?["error"]?["details"] != nil, "\(query)")
        }
        #expect(stream.server.stats.connectionCount == 0)
        try await stream.stop()
    }
}
