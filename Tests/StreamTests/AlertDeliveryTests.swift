import EDMEvents
import EDMHTTP
import EDMKafka
import Foundation
import Hummingbird
import HummingbirdCore
import Testing
import TestSupport

@testable import StreamService

/// Alerts (topic edm-alerts) reach WebSocket clients like every other kind: `types=alert`,
/// filtered by `level`; a stream without the alerts topic still starts.
@Suite("Alerts on the stream")
struct AlertDeliveryTests {
    static func alert(_ level: AlertLevel, key: String) -> EventEnvelope {
        var properties = AlertProperties.example
        properties.level = level
        properties.key = key
        return properties.envelope(occurredAt: Date(), receivedAt: Date())
    }

    @Test("level= and the level filter message are parsed and checked")
    func levelParsing() throws {
        let parsed = try StreamQuery(parameters: URI("/v1/stream?types=alert&level=critical").queryParameters, maxLast: 100)
        #expect(parsed.filter == StreamFilter(types: ["alert"], alertLevels: [.critical]))
        #expect(throws: APIError.self) { try StreamQuery(parameters: URI("/v1/stream?level=urgent").queryParameters, maxLast: 100) }
        #expect(try ClientMessage.parse(#"{"filter": {"level": ["warning"]}}"#).get() == .setFilter(StreamFilter(alertLevels: [.warning])))
    }

    @Test("types=alert delivers alerts, level=critical only the critical ones")
    func alertsAreDeliveredAndFilteredByLevel() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1", "edm-alerts:2"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            $0.names = try! KafkaNames(prefix: nil, registry: .all)
        }
        let alerts = try await StreamClient.connect(port: stream.port, query: "types=alert")
        let critical = try await StreamClient.connect(port: stream.port, query: "types=alert&level=critical")
        let clicks = try await StreamClient.connect(port: stream.port, query: "types=click")

        var factory = EventFactory()
        let events = [Self.alert(.warning, key: "a"), Self.alert(.critical, key: "a"), factory.click()]
        let names = try KafkaNames(prefix: nil, registry: .all)
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce(events.map {
            KafkaOutgoingMessage(topic: names.topic(for: $0), key: Array($0.partitionKey.utf8), value: Array($0.jsonData()))
        })
        #expect(try await alerts.waitForEvents(2))
        #expect(try await critical.waitForEvents(1))
        #expect(try await clicks.waitForEvents(1))
        #expect(Set(alerts.eventIDs) == Set(events[0...1].map { $0.id.uuidString.lowercased() }))
        #expect(critical.eventIDs == [events[1].id.uuidString.lowercased()])
        for client in [alerts, critical, clicks] { await client.close() }
        await producer.close()
        try await stream.stop()
    }

    @Test("a cluster without the alerts topic still streams the other events")
    func alertsTopicIsOptional() async throws {
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1"])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            $0.names = try! KafkaNames(prefix: nil, registry: .all)
        }
        let client = try await StreamClient.connect(port: stream.port)
        var factory = EventFactory()
        let producer = try testProducer(broker.bootstrapServers)
        try await producer.produce([factory.message(factory.click())])
        #expect(try await client.waitForEvents(1))
        await client.close()
        await producer.close()
        try await stream.stop()
    }
}
