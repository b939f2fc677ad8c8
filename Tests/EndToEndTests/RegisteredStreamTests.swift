import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// Issue 17 over the built executables: a type registered through the relay is streamed by
/// the stream service, `where=` on a declared field gets exactly the matching events, an
/// undeclared field gets 400, and a token scoped to `signup` can neither post nor read `click`.
@Suite("Registered types through relay and stream executables", .serialized)
struct RegisteredStreamTests {
    static let signup = """
        {"schema": {"type": "object", "required": ["accountId", "plan"],
          "properties": {"accountId": {"type": "string", "minLength": 1, "maxLength": 64},
                         "plan": {"enum": ["free", "pro"]}, "amount": {"type": "number"}}},
         "owner": "growth", "description": "A visitor created an account.", "keyField": "accountId"}
        """

    static func signupEvent(id: String, account: String, plan: String) -> String {
        """
        {"id": "\(id)", "type": "signup", "occurredAt": "\(EventTimestamp.string(from: Date()))", "sessionId": "s-\(account)",
         "properties": {"accountId": "\(account)", "plan": "\(plan)", "amount": 12.5}}
        """
    }

    static func clickEvent(id: String) -> String {
        """
        {"id": "\(id)", "type": "click", "occurredAt": "\(EventTimestamp.string(from: Date()))", "sessionId": "s-click",
         "properties": {"buttonId": "the-camper's-kit"}}
        """
    }

    @Test("where= on a declared field gets exactly the matches; undeclared 400; a signup-scoped key and token cannot touch click")
    func registeredTypeStreamed() async throws {
        let http = HTTPClient.shared
        let broker = try await TestBroker()
        let kafka = ["KAFKA_URL": broker.bootstrapServers]
        let relay = try await ServiceProcess.start(
            "relay",
            environment: kafka.merging(["API_KEYS": "client-key,signup-key:signup", "ADMIN_API_KEYS": "admin-key"]) { $1 },
            http: http)
        let stream = try await ServiceProcess.start(
            "stream",
            environment: kafka.merging(["STREAM_TOKENS": "reader,signup-reader:signup", "STREAM_FETCH_WAIT_MS": "10"]) { $1 },
            http: http)
        defer {
            relay.child.signal(SIGTERM)
            stream.child.signal(SIGTERM)
        }
        let created = try await http.postJSON(
            relay.baseURL + "/v1/schemas/signup", Self.signup, headers: [("Authorization", "Bearer admin-key")])
        #expect(created.status == 201, "\(created.text)")

        // Once the stream knows the type, an undeclared field is refused naming the where= parameter.
        var undeclared: RefusedUpgrade.Answer?
        let known = try await eventually(timeout: .seconds(30)) {
            undeclared = try await RefusedUpgrade.request(
                port: stream.port, path: "/v1/stream?token=reader&types=signup&where=properties.colour%3Ared")
            return undeclared?.json?["error"]?["details"]?.arrayValue?.first?["path"] == "where[0]"
        }
        #expect(known, "\(undeclared?.body ?? "")")
        #expect(undeclared?.status == 400)
        #expect(undeclared?.body.contains("properties.colour is not declared by signup") == true, "\(undeclared?.body ?? "")")
        let forbidden = try await RefusedUpgrade.request(port: stream.port, path: "/v1/stream?token=signup-reader&types=click")
        #expect(forbidden.status == 403)
        #expect(forbidden.json?["error"]?["code"] == "type_not_allowed")

        let wsURL = "ws://127.0.0.1:\(stream.port)/v1/stream"
        let pro = StreamListener(url: wsURL + "?token=reader&types=signup&where=properties.plan%3Apro")
        let scoped = StreamListener(url: wsURL + "?token=signup-reader")
        let witness = StreamListener(url: wsURL + "?token=reader")
        defer { for listener in [pro, scoped, witness] { listener.stop() } }
        #expect(try await eventually(timeout: .seconds(30)) { [pro, scoped, witness].allSatisfy { $0.isLive || $0.hasEnded } })
        #expect(pro.isLive && scoped.isLive && witness.isLive, "a listener never went live")

        // The relay accepts signup events once the type's topic exists.
        var proIDs: Set<String> = []
        var signupIDs: Set<String> = []
        let first = UUID().uuidString.lowercased()
        let accepted = try await eventually(timeout: .seconds(30)) {
            try await http.postJSON(
                relay.baseURL + "/v1/events", Self.signupEvent(id: first, account: "a0", plan: "pro"),
                headers: [("Authorization", "Bearer signup-key")]
            ).status == 202
        }
        #expect(accepted)
        proIDs.insert(first)
        signupIDs.insert(first)
        for index in 1...6 {
            let id = UUID().uuidString.lowercased()
            let plan = index % 3 == 0 ? "pro" : "free"
            let reply = try await http.postJSON(
                relay.baseURL + "/v1/events", Self.signupEvent(id: id, account: "a\(index)", plan: plan),
                headers: [("Authorization", "Bearer client-key")])
            #expect(reply.status == 202, "\(reply.text)")
            signupIDs.insert(id)
            if plan == "pro" { proIDs.insert(id) }
        }
        // The signup key cannot post a click; the client key can.
        let refusedClick = try await http.postJSON(
            relay.baseURL + "/v1/events", Self.clickEvent(id: UUID().uuidString.lowercased()),
            headers: [("Authorization", "Bearer signup-key")])
        #expect(refusedClick.status == 403)
        let clickID = UUID().uuidString.lowercased()
        #expect(try await http.postJSON(
            relay.baseURL + "/v1/events", Self.clickEvent(id: clickID), headers: [("Authorization", "Bearer client-key")]
        ).status == 202)

        let everything = signupIDs.union([clickID])
        let delivered = try await eventually(timeout: .seconds(30)) {
            Set(witness.events.compactMap { $0["id"]?.stringValue }).isSuperset(of: everything)
        }
        #expect(delivered, "the unfiltered client got \(witness.events.count) events")
        // Every event reached the witness, so the others have had theirs (one feed, one batch order).
        #expect(try await eventually(timeout: .seconds(10)) { pro.events.count >= proIDs.count && scoped.events.count >= signupIDs.count })
        #expect(Set(pro.events.compactMap { $0["id"]?.stringValue }) == proIDs)
        #expect(pro.events.count == proIDs.count)
        #expect(Set(scoped.events.compactMap { $0["id"]?.stringValue }) == signupIDs)
        #expect(!scoped.events.contains { $0["type"] == "click" })
        #expect(pro.events.allSatisfy { $0["typeVersion"] == 1 && $0["properties"]?["plan"] == "pro" })
        for listener in [pro, scoped, witness] { listener.stop() }
        #expect(try await stream.terminate() == 0)
        #expect(try await relay.terminate() == 0)
    }
}
