import EDMCore
import EDMEvents
import EDMKafka
import EDMPostgres
import EDMStatsAPI
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

/// `GET /v1/alerts`: recent alerts from edm-alerts, bounded, newest first, each id once; and
/// alerts are never counted as storefront events.
@Suite struct AlertListTests {
    static func alert(_ key: String, at seconds: TimeInterval, resolved: Bool = false) -> EventEnvelope {
        var properties = AlertProperties.example
        properties.key = key
        properties.resolved = resolved
        return properties.envelope(
            occurredAt: Date(timeIntervalSince1970: seconds), receivedAt: Date(timeIntervalSince1970: seconds))
    }

    static func item(_ envelope: EventEnvelope) -> AlertsView.Alert {
        AlertsView.Alert(envelope: envelope, properties: envelope.properties(as: AlertProperties.self)!)
    }

    @Test func theListIsBoundedNewestFirstAndKeepsEachIDOnce() {
        let recent = RecentAlerts(capacity: 3)
        recent.add((1...5).map { Self.item(Self.alert("k\($0)", at: 1_800_000_000 + Double($0))) })
        recent.add([Self.item(Self.alert("k5", at: 1_800_000_005))])
        let view = recent.view(limit: 10)
        #expect(view.alerts.map(\.key) == ["k5", "k4", "k3"])
        #expect(view.capacity == 3 && view.limit == 10)
        #expect(recent.view(limit: 1).alerts.map(\.key) == ["k5"])
    }

    @Test func theRouteServesTheListWithALimit() async throws {
        var configuration = try PostgresConfiguration(url: "postgres://postgres@127.0.0.1:\(try TestPostgres.freePort())/none")
        configuration.connectTimeout = .seconds(1)
        let pool = PostgresPool(configuration: configuration, logger: quietLogger)
        let recent = RecentAlerts()
        recent.add([Self.item(Self.alert("a", at: 1_800_000_000)), Self.item(Self.alert("b", at: 1_800_000_001, resolved: true))])
        let router = StatsRouter.make(routes: StatsRoutes(queries: StatsQueries(pool: pool), alerts: recent), readiness: [])
        try await Application(router: router, logger: quietLogger).test(.router) { client in
            let (status, json, _) = try await client.get("/v1/alerts?limit=1")
            #expect(status == 200)
            let listed = json?["alerts"]?.arrayValue ?? []
            #expect(listed.count == 1)
            #expect(listed.first?["key"] == "b" && listed.first?["resolved"] == true)
            #expect(listed.first?["level"] == "critical")
            #expect(try await client.get("/v1/alerts?limit=0").status == 400)
            #expect(try await client.get("/v1/alerts?level=x").status == 400)
        }
        await pool.close()
    }

    @Test func theFeedReadsEdmAlertsAndStatsNeverSubscribesToIt() async throws {
        let names = try KafkaNames(prefix: nil, registry: .all)
        #expect(!(try KafkaNames(prefix: nil)).allTopics.contains(names.topic(for: AlertProperties.self)))
        let broker = try await TestBroker(topics: ["edm-ui-click:1", "edm-ui-pageload:1", "edm-alerts:2"])
        let connection = KafkaConnection(bootstrapServers: [broker.bootstrapServers])
        let producer = try KafkaProducer(connection: connection)
        let first = Self.alert("s1", at: Date().timeIntervalSince1970 - 5)
        let messages = [first, first, Self.alert("s1", at: Date().timeIntervalSince1970, resolved: true)].map {
            KafkaOutgoingMessage(topic: names.topic(for: $0), key: Array($0.partitionKey.utf8), value: Array($0.jsonData()))
        }
        for result in await producer.send(messages) { _ = try result.get() }
        let recent = RecentAlerts()
        let feed = AlertFeed(connection: connection, names: names, alerts: recent, logger: quietLogger)
        let task = Task { try await feed.run() }
        try await waitUntil("both alerts listed") { recent.view(limit: 10).alerts.count == 2 }
        #expect(recent.view(limit: 10).alerts.map(\.resolved) == [true, false])
        task.cancel()
        await producer.close()
        _ = try await broker.stop()
    }
}
