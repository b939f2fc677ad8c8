import EDMEvents
import EDMKafka
import EDMRegistry
import EDMStatsAPI
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

/// Types registered at runtime (issue 17): stats reads a new type's topic from its first event
/// once the registry knows it, counts it exactly once (totals, buckets, and per value of each
/// `countBy` field) in the same generic tables as everything else, and serves it.
@Suite("Registered types")
struct RegisteredTypeTests {
    /// Plans and seats of the signups a test produces, and what they must count to.
    struct Mix {
        var events: [RegisteredEvent] = []
        var plans: [String: Int64] = [:]
        var seats: [String: Int64] = [:]

        mutating func add(_ account: String, _ plan: String, seats: Int64?, id: UUID? = nil, count: Bool = true) throws {
            events.append(try Signups.event(account: account, plan: plan, seats: seats, id: id))
            guard count else { return }
            plans[plan, default: 0] += 1
            if let seats { self.seats[String(seats), default: 0] += 1 }
        }

        var total: Int64 { plans.values.reduce(0, +) }
    }

    static func fieldValues(_ world: StatsWorld) async throws -> [String: [String: Int64]] {
        var result: [String: [String: Int64]] = [:]
        for row in try await world.pool.query(
            "SELECT field, value, count FROM stats_type_field_values WHERE event_type = $1", [Signups.name])
        {
            result[try row.decode(String.self, at: 0), default: [:]][try row.decode(String.self, at: 1)] = try row.decode(Int64.self, at: 2)
        }
        return result
    }

    @Test("a type registered while stats runs is counted from its topic's first event, once each, across a restart; the API serves it")
    func countedWhileRunning() async throws {
        let world = try await StatsWorld.make()
        let registry = SchemaRegistry()
        let first = RunningIngestor(try world.ingestor(registry: registry))
        try await world.produce((0..<20).map { .envelope(Events.click("b\($0 % 3)")) })

        // Events on the type's topic before stats knows the type (the relay creates the topic and
        // accepts events as soon as it registered it): all must count once stats learns it.
        var mix = Mix()
        for index in 0..<30 {
            try mix.add("a\(index)", ["pro", "free", "free", "team"][index % 4], seats: index % 5 == 0 ? nil : Int64(index % 3 + 1))
        }
        // A client retry: the same client id twice counts once.
        let retried = UUID()
        try mix.add("retry", "pro", seats: 1, id: retried)
        try mix.add("retry", "pro", seats: 1, id: retried, count: false)
        let producer = try world.producer()
        let acknowledged = await producer.send(mix.events.map { Signups.outgoing($0, names: world.names) })
        #expect(acknowledged.allSatisfy { (try? $0.get()) != nil })
        registry.apply(try Signups.type(), topicReady: true)

        let firstTotal = mix.total
        try await waitUntil("signups counted", timeout: .seconds(45)) {
            try await world.snapshot().totals[Signups.name] == firstTotal
        }
        try await first.finish()

        // More events while no stats runs, then a new instance with the registry already loaded.
        var later = Mix()
        for index in 0..<12 { try later.add("later\(index)", index % 2 == 0 ? "pro" : "enterprise", seats: 4) }
        try await world.produce([.envelope(Events.click("after-restart"))])
        let more = await producer.send(later.events.map { Signups.outgoing($0, names: world.names) })
        #expect(more.allSatisfy { (try? $0.get()) != nil })
        await producer.close()
        let second = RunningIngestor(try world.ingestor(registry: try Signups.registry()))
        let total = mix.total + later.total
        try await waitUntil("later signups counted", timeout: .seconds(45)) {
            try await world.snapshot().totals[Signups.name] == total
        }
        try await waitUntil("the click after the restart counted", timeout: .seconds(45)) {
            try await world.snapshot().totals["click"] == 21
        }
        try await second.finish()

        let snapshot = try await world.snapshot()
        #expect(snapshot.totals == ["click": 21, Signups.name: mix.total + later.total])
        let values = try await Self.fieldValues(world)
        let plans = mix.plans.merging(later.plans, uniquingKeysWith: +)
        let seats = mix.seats.merging(later.seats, uniquingKeysWith: +)
        #expect(values["plan"] == plans)
        #expect(values["seats"] == seats)
        // Buckets: every event in one 10 s bucket per width (all at Events.base).
        let signupBuckets = snapshot.typeBuckets.filter { $0.key.key == Signups.name }
        #expect(signupBuckets.count == 4 && signupBuckets.values.allSatisfy { $0 == mix.total + later.total })
        let topic = Signups.topic(world.names)
        let stored = snapshot.offsets.filter { $0.key.topic == topic }.values.reduce(0, +)
        #expect(stored == Int64(mix.events.count + later.events.count))

        // The API: every type with totals, one type's figures, the cursor naming the new topic.
        let app = Application(router: world.router(registered: try Signups.registry()), logger: quietLogger)
        try await app.test(.router) { client in
            let types = try await client.getJSON("/v1/stats/types", as: TypesView.self)
            #expect(types.types.map(\.type) == ["click", "pageload", Signups.name])
            let signup = types.types.first { $0.type == Signups.name }
            #expect(signup?.count == total && signup?.builtIn == false && signup?.countBy == ["plan", "seats"])
            #expect(types.types.first?.builtIn == true && types.types.first?.count == 21)

            let from = EventTimestamp.string(from: Events.base.addingTimeInterval(-60))
            let to = EventTimestamp.string(from: Events.base.addingTimeInterval(60))
            let view = try await client.getJSON(
                "/v1/stats/types/signup?bucket=1m&from=\(from)&to=\(to)&limit=2", as: TypeStatsView.self)
            #expect(view.count == total)
            #expect(view.points.map(\.count).reduce(0, +) == view.count)
            #expect(view.countBy.map(\.field) == ["plan", "seats"])
            let planCounts = view.countBy.first { $0.field == "plan" }
            let top = plans.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(2)
            #expect(planCounts?.values.map(\.value) == top.map(\.key))
            #expect(planCounts?.values.map(\.count) == top.map(\.value))
            #expect(planCounts?.distinctValues == Int64(plans.count))
            #expect(planCounts?.total == total)

            let unknown = try await client.get("/v1/stats/types/nosuchtype")
            #expect(unknown.status == 404)
            let message = unknown.json?["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("unknown event type \"nosuchtype\""), "\(message)")
            let bad = try await client.get("/v1/stats/types/signup?bucket=5m")
            #expect(bad.status == 400 && bad.json?["error"]?["details"]?.arrayValue?.first?["path"] == "bucket")
            // Built-in types are served by the same route.
            #expect(try await client.getJSON("/v1/stats/types/click", as: TypeStatsView.self).count == 21)

            let cursor = try await client.getJSON("/v1/stats/cursor", as: CursorView.self)
            #expect(cursor.positions.contains { $0.topic == topic })
            #expect(cursor.totalEvents == 21 + total)
        }
    }

    /// Decoded messages of `events` on partition 0 of the signup topic from `offset`.
    static func decoded(_ events: [RegisteredEvent], from offset: Int64, names: KafkaNames, registry: SchemaRegistry) -> [DecodedMessage] {
        let decoder = MessageDecoder(names: names, registry: registry)
        return events.enumerated().map { index, event in
            decoder.decode(
                KafkaMessage(
                    topic: Signups.topic(names), partition: 0, offset: offset + Int64(index), key: event.key, value: event.json,
                    timestampMilliseconds: 0, headers: []))
        }
    }

    @Test("a redelivered batch of a registered type is fenced: counts and values stay exact")
    func redelivery() async throws {
        let world = try await StatsWorld.make()
        let registry = try Signups.registry()
        let store = IngestStore(pool: world.pool)
        let events = try (0..<10).map { try Signups.event(account: "r\($0)", plan: $0 < 7 ? "pro" : "free", seats: 1) }
        let batch = Self.decoded(events, from: 0, names: world.names, registry: registry)
        #expect(try await store.commit(batch, epoch: 0).counted == [Signups.name: 10])
        let again = try await store.commit(batch, epoch: 0)
        #expect(again.fenced == 10 && again.countedTotal == 0)
        // The same events at new offsets (a producer retry writing them twice): dedupe by id.
        let copies = try await store.commit(Self.decoded(events, from: 10, names: world.names, registry: registry), epoch: 0)
        #expect(copies.duplicates == 10 && copies.countedTotal == 0)
        #expect(try await world.snapshot().totals == [Signups.name: 10])
        #expect(try await Self.fieldValues(world) == ["plan": ["pro": 7, "free": 3], "seats": ["1": 10]])
    }

    @Test("distinct values per field are capped; the rest count under (other), the same on every replay")
    func valueCap() async throws {
        let world = try await StatsWorld.make()
        let registry = SchemaRegistry()
        registry.apply(try Signups.type(countBy: ["plan"]), topicReady: true)
        let store = IngestStore(pool: world.pool)
        let limit = CountByValue.maximumDistinctValues
        let events = try (0..<(limit + 5)).map { try Signups.event(account: "c\($0)", plan: String(format: "plan-%05d", $0), seats: nil) }
        _ = try await store.commit(Self.decoded(events, from: 0, names: world.names, registry: registry), epoch: 0)
        var plans = try await Self.fieldValues(world)["plan"] ?? [:]
        #expect(plans.count == limit + 1)
        #expect(plans[CountByValue.overflow] == 5)
        #expect(plans[String(format: "plan-%05d", limit - 1)] == 1 && plans[String(format: "plan-%05d", limit)] == nil)

        // A known value still counts under its own name; a new one goes to (other).
        let next = try [Signups.event(account: "k", plan: "plan-00000", seats: nil), Signups.event(account: "n", plan: "brand-new", seats: nil)]
        _ = try await store.commit(Self.decoded(next, from: Int64(limit + 5), names: world.names, registry: registry), epoch: 0)
        plans = try await Self.fieldValues(world)["plan"] ?? [:]
        #expect(plans["plan-00000"] == 2 && plans["brand-new"] == nil && plans[CountByValue.overflow] == 6)
        #expect(try await world.snapshot().totals[Signups.name] == Int64(limit + 7))
    }

    @Test("a registered type without events is listed with zeros and its countBy fields; an unknown one is a 404")
    func registeredBeforeFirstEvent() async throws {
        let world = try await StatsWorld.make()
        let app = Application(router: world.router(registered: try Signups.registry()), logger: quietLogger)
        try await app.test(.router) { client in
            let types = try await client.getJSON("/v1/stats/types", as: TypesView.self)
            #expect(types.types == [
                .init(type: "click", builtIn: true, count: 0), .init(type: "pageload", builtIn: true, count: 0),
                .init(type: Signups.name, builtIn: false, count: 0, countBy: ["plan", "seats"]),
            ])
            let view = try await client.getJSON("/v1/stats/types/signup?bucket=1h", as: TypeStatsView.self)
            #expect(view.count == 0 && view.lastEventAt == nil && view.bucket == .hour)
            #expect(view.points.count == TimeseriesQuery.defaultPoints && view.points.allSatisfy { $0.count == 0 })
            #expect(view.countBy == [
                .init(field: "plan", values: [], distinctValues: 0, total: 0),
                .init(field: "seats", values: [], distinctValues: 0, total: 0),
            ])
            #expect(try await client.get("/v1/stats/types/signup-not-registered").status == 404)
            #expect(try await client.get("/v1/stats/types/signup?limit=0").status == 400)
        }
    }

    @Test("records on a registered type's topic are classified like built-in ones")
    func decoding() throws {
        let names = try KafkaNames(prefix: "tenant.")
        let registry = try Signups.registry()
        let decoder = MessageDecoder(names: names, registry: registry)
        let topic = Signups.topic(names)
        func item(_ topic: String, _ value: [UInt8]?) -> DecodedMessage.Item {
            decoder.decode(KafkaMessage(topic: topic, partition: 0, offset: 1, key: nil, value: value, timestampMilliseconds: 0, headers: []))
                .item
        }
        let event = try Signups.event(account: "x", plan: "pro", seats: 3)
        guard case .event(let counted) = item(topic, event.json) else {
            Issue.record("a registered event should count")
            return
        }
        #expect(counted.type == Signups.name)
        #expect(counted.detail == .registered(countBy: [CountByValue(field: "plan", value: "pro"), CountByValue(field: "seats", value: "3")]))
        let text = String(decoding: event.json, as: UTF8.self)
        func reason(_ item: DecodedMessage.Item) -> SkipReason? {
            if case .skipped(let reason) = item { return reason }
            return nil
        }
        #expect(reason(item(topic, nil)) == .tombstone)
        #expect(reason(item(topic, [0xC3, 0x28])) == .malformedJSON)
        #expect(reason(item(topic, Array(text.replacingOccurrences(of: "\"type\":\"signup\"", with: "\"type\":\"other\"").utf8))) == .topicMismatch)
        #expect(reason(item(topic, Array(text.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":2").utf8))) == .unsupportedSchemaVersion)
        #expect(reason(item(topic, Array(text.replacingOccurrences(of: "\"typeVersion\":1", with: "\"typeVersion\":\"1\"").utf8))) == .invalidEvent)
        // A topic of a type the registry does not know, and one outside the prefix.
        #expect(reason(item("tenant.edm-ui-unknown", event.json)) == .unknownTopic)
        #expect(reason(item("edm-ui-signup", event.json)) == .unknownTopic)
        // Without a registry (built-in types only) the topic is unknown.
        #expect(reason(MessageDecoder(names: names).decode(
            KafkaMessage(topic: topic, partition: 0, offset: 1, key: nil, value: event.json, timestampMilliseconds: 0, headers: [])).item)
            == .unknownTopic)
    }
}
