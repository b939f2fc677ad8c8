import EDMEvents
import EDMKafka
import EDMRegistry
import Foundation
import Testing
import TestSupport

@testable import StreamService

/// Types registered at runtime, against a real edm-broker: the registry topic is followed, the
/// type's topic joins the live feed when it exists, `where=` and token scopes apply.
@Suite("Registered types: streamed, filtered with where=, limited by token scope")
struct RegisteredTypeTests {
    @Test("a type registered while the stream runs is streamed from its first event; where= gets exactly the matches")
    func registeredWhileRunning() async throws {
        let broker = try await TestBroker()
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers)
        let producer = try testProducer(broker.bootstrapServers)
        let signup = SignupType.type()
        try await producer.produce([SignupType.registrationMessage(signup)])
        #expect(try await eventually(timeout: .seconds(20)) { stream.server.registry.entry(named: "signup") != nil })

        // Known type, topic not created yet: clients may connect already.
        let pro = try await StreamClient.connect(port: stream.port, query: "types=signup&where=properties.plan%3Apro")
        let big = try await StreamClient.connect(port: stream.port, query: "where=properties.amount%3E100&where=properties.plan%3Apro")
        let samePro = try await StreamClient.connect(port: stream.port, query: "where=properties.plan%3Apro")
        let all = try await StreamClient.connect(port: stream.port, query: "types=signup")
        let undeclared = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?types=signup&where=properties.colour:red")
        #expect(undeclared.status == 400)
        #expect(undeclared.json?["error"]?["details"]?.arrayValue?.first?["path"] == "where[0]")
        #expect(stream.server.hubConditionGroups == 2)
        // A cursor naming the known type's topic before the feed reads it: retry shortly; an
        // unknown type's topic: foreign.
        let early = try await RawHTTP.upgrade(
            port: stream.port, path: "/v1/stream?resume=" + StreamCursor(positions: ["edm-ui-signup": [0: 0]]).encoded)
        #expect(early.status == 503)
        #expect(early.headers["retry-after"] == "1")
        let foreign = try await RawHTTP.upgrade(
            port: stream.port, path: "/v1/stream?resume=" + StreamCursor(positions: ["edm-ui-order": [0: 0]]).encoded)
        #expect(foreign.status == 400)
        #expect(foreign.json?["error"]?["code"] == "foreign_cursor")

        // The first event creates the topic (the mock broker auto-creates it), as the relay's does.
        let events = [
            SignupType.event(signup, accountId: "a1", plan: "pro", amount: 50),
            SignupType.event(signup, accountId: "a2", plan: "free", amount: 500),
            SignupType.event(signup, accountId: "a3", plan: "pro", amount: 150),
            SignupType.event(signup, accountId: "a4", plan: "free", amount: 5),
            SignupType.event(signup, accountId: "a5", plan: "pro", amount: 101),
        ]
        try await producer.produce(events.map(\.message))
        #expect(try await all.waitForEvents(events.count, timeout: .seconds(30)))
        #expect(try await pro.waitForEvents(3))
        #expect(try await big.waitForEvents(2))
        #expect(Set(all.eventIDs) == Set(events.map(\.id)))
        #expect(Set(pro.eventIDs) == Set([events[0].id, events[2].id, events[4].id]))
        #expect(Set(samePro.eventIDs) == Set(pro.eventIDs))
        #expect(Set(big.eventIDs) == Set([events[2].id, events[4].id]))
        #expect(all.events.first?["typeVersion"] == 1)
        #expect(all.events.first?["type"] == "signup")

        // History covers the registered topic too.
        let history = try await StreamClient.connect(port: stream.port, query: "types=signup&where=properties.plan%3Afree&last=10")
        #expect(try await history.waitForEvents(2))
        #expect(Set(history.eventIDs) == Set([events[1].id, events[3].id]))
        // So does resume= with a cursor naming the registered topic.
        let cursor = StreamCursor(positions: ["edm-ui-signup": [0: 0]]).encoded
        let resumed = try await StreamClient.connect(
            port: stream.port, query: "types=signup&where=properties.plan%3Apro&resume=" + cursor)
        #expect(try await resumed.waitForEvents(3))
        #expect(Set(resumed.eventIDs) == Set(pro.eventIDs) && resumed.eventIDs.count == 3)
        for client in [pro, big, samePro, all, history, resumed] { await client.close() }
        await producer.close()
        try await stream.stop()
    }

    @Test("a token scoped to signup cannot ask for click (403) and its unfiltered stream carries no click")
    func scopedToken() async throws {
        let broker = try await TestBroker()
        let producer = try testProducer(broker.bootstrapServers)
        let signup = SignupType.type()
        try await producer.produce([SignupType.registrationMessage(signup), SignupType.event(signup, accountId: "a0", plan: "pro").message])
        let stream = try await RunningStream.start(bootstrap: broker.bootstrapServers) {
            $0.access = StreamAccess(tokens: ["team", "ops"], scopes: ["team": ["signup"]], publicTokens: ["pub"], publicTypes: ["pageload"])
        }
        #expect(try await eventually(timeout: .seconds(20)) { stream.server.registry.readyNames == ["signup"] })
        let refused = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?token=team&types=click")
        #expect(refused.status == 403)
        #expect(refused.json?["error"]?["code"] == "type_not_allowed")
        let publicRefused = try await RawHTTP.upgrade(port: stream.port, path: "/v1/stream?token=pub&types=signup")
        #expect(publicRefused.status == 403)

        let team = try await StreamClient.connect(port: stream.port, query: "token=team")
        let ops = try await StreamClient.connect(port: stream.port, query: "token=ops")
        let pub = try await StreamClient.connect(port: stream.port, query: "token=pub")
        // A filter message cannot widen the scope either.
        team.send(#"{"filter": {"types": ["click"]}}"#)
        #expect(try await team.waitUntil { $0.contains { $0["code"] == "type_not_allowed" } })

        var factory = EventFactory()
        let click = factory.click()
        let page = factory.pageLoad()
        let event = SignupType.event(signup, accountId: "a1", plan: "free")
        try await producer.produce([factory.message(click), factory.message(page), event.message])
        #expect(try await ops.waitForEvents(3, timeout: .seconds(30)))
        #expect(try await team.waitForEvents(1))
        #expect(try await pub.waitForEvents(1))
        #expect(team.eventIDs == [event.id])
        #expect(pub.eventIDs == [page.id.uuidString.lowercased()])
        for client in [team, ops, pub] { await client.close() }
        await producer.close()
        try await stream.stop()
    }
}
