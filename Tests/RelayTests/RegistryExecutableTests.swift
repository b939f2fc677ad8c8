import EDMEvents
import EDMKafka
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@testable import RelayService

/// The schema registry across built `relay` processes sharing one broker: a type registered on
/// one instance is accepted by another and by a restarted one (the registry topic is the
/// source of truth), invalid events get 422 with paths, an incompatible version 409 naming the
/// field, and registering needs an admin key.
@Suite("schema registry across relay executables")
struct RegistryExecutableTests {
    static let adminKey = "registry-admin-key"
    static let clientKey = "registry-client-key"
    /// A key limited to the registered type (issue 17's scoped keys).
    static let signupKey = "registry-signup-key"

    static let signup = """
        {"schema": {"type": "object", "required": ["accountId", "plan"],
          "properties": {"accountId": {"type": "string", "minLength": 1, "maxLength": 64},
                         "plan": {"enum": ["free", "pro"]},
                         "seats": {"type": "integer", "minimum": 1}}},
         "owner": "growth", "description": "A visitor created an account.", "keyField": "accountId", "countBy": ["plan"]}
        """

    static func spawn(_ broker: TestBroker) async throws -> (ChildProcess, Int) {
        let relay = try ExecutableTests.spawn([
            "KAFKA_URL": broker.bootstrapServers, "PORT": "0", "API_KEYS": "\(clientKey),\(signupKey):signup",
            "ADMIN_API_KEYS": adminKey,
        ])
        return (relay, try await ExecutableTests.port(of: relay))
    }

    struct Answer {
        let status: Int
        let body: String
        var json: JSONValue { (try? JSONValue.parse(Data(body.utf8))) ?? .null }
    }

    static func request(_ method: HTTPRequest.Method, port: Int, _ path: String, body: String? = nil, key: String? = clientKey) async throws -> Answer {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10)))
        client.connect()
        defer { Task { try? await client.shutdown() } }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        let response = try await client.execute(
            TestClient.Request(path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }))
        return Answer(status: Int(response.status.code), body: response.body.map { String(buffer: $0) } ?? "")
    }

    static func event(accountId: String, plan: String = "pro") -> String {
        """
        {"type": "signup", "occurredAt": "\(EventTimestamp.string(from: Date()))", "sessionId": "s-\(accountId)",
         "properties": {"accountId": "\(accountId)", "plan": "\(plan)", "seats": 3}}
        """
    }

    @Test("registered on one instance, accepted by another and after a restart; 422, 409, 401/403")
    func registeredAcrossInstances() async throws {
        let broker = try await TestBroker()
        let (first, firstPort) = try await Self.spawn(broker)
        let (second, secondPort) = try await Self.spawn(broker)
        defer {
            first.signal(SIGTERM)
            second.signal(SIGTERM)
        }

        // No admin key: 401; a client key: 403; a built-in type: 409; a bad schema: 400 with its path.
        #expect(try await Self.request(.post, port: firstPort, "/v1/schemas/signup", body: Self.signup, key: nil).status == 401)
        #expect(try await Self.request(.post, port: firstPort, "/v1/schemas/signup", body: Self.signup).status == 403)
        #expect(try await Self.request(.post, port: firstPort, "/v1/schemas/click", body: Self.signup, key: Self.adminKey).status == 409)
        let badSchema = try await Self.request(
            .post, port: firstPort, "/v1/schemas/signup", body: Self.signup.replacingOccurrences(of: "\"minimum\": 1", with: "\"minimum\": \"one\""),
            key: Self.adminKey)
        #expect(badSchema.status == 400)
        #expect(badSchema.body.contains("schema.properties.seats.minimum"), "\(badSchema.body)")

        // Unknown before registration.
        #expect(try await Self.request(.post, port: secondPort, "/v1/events", body: Self.event(accountId: "a0")).status == 422)

        let created = try await Self.request(.post, port: firstPort, "/v1/schemas/signup", body: Self.signup, key: Self.adminKey)
        #expect(created.status == 201, "\(created.body)")
        #expect(created.json["version"] == 1)
        #expect(created.json["status"] == "active")

        // The other instance learns it from the registry topic.
        let accepted = try await eventually(timeout: .seconds(10)) {
            try await Self.request(.post, port: secondPort, "/v1/events", body: Self.event(accountId: "a1")).status == 202
        }
        #expect(accepted)

        // A key scoped to signup posts signup, not click.
        #expect(try await Self.request(.post, port: secondPort, "/v1/events", body: Self.event(accountId: "a9"), key: Self.signupKey).status == 202)
        let click = """
            {"type": "click", "occurredAt": "\(EventTimestamp.string(from: Date()))", "sessionId": "s", "properties": {"buttonId": "b"}}
            """
        let scoped = try await Self.request(.post, port: secondPort, "/v1/events", body: click, key: Self.signupKey)
        #expect(scoped.status == 403)
        #expect(scoped.json["error"]?["code"] == "type_not_allowed")
        // An unknown type's 422 lists the registered types next to the built-in ones.
        let unknown = try await Self.request(.post, port: secondPort, "/v1/events", body: click.replacingOccurrences(of: "\"click\"", with: "\"signin\""))
        #expect(unknown.status == 422)
        let unknownMessage = unknown.json["error"]?["details"]?.arrayValue?.first?["message"]?.stringValue ?? ""
        #expect(unknownMessage.contains("click") && unknownMessage.hasSuffix(", signup"), "\(unknown.body)")

        let invalid = try await Self.request(
            .post, port: secondPort, "/v1/events",
            body: "[\(Self.event(accountId: "a2")), \(Self.event(accountId: "", plan: "gold"))]")
        #expect(invalid.status == 422)
        let paths = Set((invalid.json["error"]?["details"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue })
        #expect(paths == ["[1].properties.accountId", "[1].properties.plan"], "\(invalid.body)")

        // An incompatible version names the field; a compatible one becomes version 2.
        let narrowed = Self.signup.replacingOccurrences(of: "[\"free\", \"pro\"]", with: "[\"pro\"]")
        let refused = try await Self.request(.post, port: secondPort, "/v1/schemas/signup", body: narrowed, key: Self.adminKey)
        #expect(refused.status == 409)
        #expect(refused.json["error"]?["details"]?.arrayValue?.first?["path"] == "properties.plan", "\(refused.body)")
        let widened = Self.signup.replacingOccurrences(of: "[\"free\", \"pro\"]", with: "[\"free\", \"pro\", \"team\"]")
        let second2 = try await Self.request(.post, port: secondPort, "/v1/schemas/signup", body: widened, key: Self.adminKey)
        #expect(second2.status == 201, "\(second2.body)")
        #expect(second2.json["version"] == 2)
        let listed = try await eventually(timeout: .seconds(10)) {
            try await Self.request(.get, port: firstPort, "/v1/schemas/signup").json["versions"] == [1, 2]
        }
        #expect(listed)
        let version1 = try await Self.request(.get, port: firstPort, "/v1/schemas/signup/versions/1")
        #expect(version1.json["schema"]?["properties"]?["plan"]?["enum"] == ["free", "pro"])
        let all = try await Self.request(.get, port: firstPort, "/v1/schemas")
        #expect(all.json["signup"]?["version"] == 2)
        #expect(all.json["click"]?["request"] != nil)

        // A restarted instance reads the registry again from the topic.
        first.signal(SIGTERM)
        #expect(try await first.waitForExit(timeout: .seconds(30)) == 0)
        let (restarted, restartedPort) = try await Self.spawn(broker)
        defer { restarted.signal(SIGTERM) }
        let afterRestart = try await eventually(timeout: .seconds(10)) {
            try await Self.request(.post, port: restartedPort, "/v1/events", body: Self.event(accountId: "a3", plan: "team")).status == 202
        }
        #expect(afterRestart)

        // Stored on the type's topic, keyed by the key field, with the registered version as a header.
        let messages = try await BrokerIntegrationTests.read(
            3, topics: [RegisteredType.topicBase(for: "signup")], bootstrap: broker.bootstrapServers, partitions: 4)
        let byKey = Dictionary(messages.map { (String(decoding: $0.key ?? [], as: UTF8.self), $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(byKey.keys) == ["a1", "a3", "a9"])
        let latest = byKey["a3"]
        #expect(latest?.headers.first { $0.key == "type-version" }?.value == Array("2".utf8))
        let stored = try JSONValue.parse(Data(latest?.value ?? []))
        #expect(stored["typeVersion"] == 2)
        #expect(stored["schemaVersion"] == 1)
    }
    @Test("two instances registering one type at the same instant get distinct versions, and every instance agrees on each")
    func concurrentRegistrations() async throws {
        let broker = try await TestBroker()
        let (first, firstPort) = try await Self.spawn(broker)
        let (second, secondPort) = try await Self.spawn(broker)
        defer {
            first.signal(SIGTERM)
            second.signal(SIGTERM)
        }
        // Several rounds: each round both instances register a new description of the same schema
        // at once (compatible, so the loser of a version becomes the next one).
        var versions: [Int] = []
        for round in 0..<3 {
            let one = Self.signup.replacingOccurrences(of: "A visitor created an account.", with: "round \(round) from one")
            let two = Self.signup.replacingOccurrences(of: "A visitor created an account.", with: "round \(round) from two")
            async let fromFirst = Self.request(.post, port: firstPort, "/v1/schemas/signup", body: one, key: Self.adminKey)
            async let fromSecond = Self.request(.post, port: secondPort, "/v1/schemas/signup", body: two, key: Self.adminKey)
            let answers = try await [fromFirst, fromSecond]
            for answer in answers {
                #expect(answer.status == 201, "\(answer.body)")
                if let version = answer.json["version"]?.int64Value { versions.append(Int(version)) }
            }
            #expect(answers[0].json["description"] == .string("round \(round) from one"), "\(answers[0].body)")
            #expect(answers[1].json["description"] == .string("round \(round) from two"), "\(answers[1].body)")
        }
        #expect(versions.sorted() == Array(1...6), "\(versions)")

        // Both instances, and a third started afterwards, describe every version the same way.
        let (third, thirdPort) = try await Self.spawn(broker)
        defer { third.signal(SIGTERM) }
        let allListed = try await eventually(timeout: .seconds(10)) {
            for port in [firstPort, secondPort, thirdPort] {
                guard try await Self.request(.get, port: port, "/v1/schemas/signup").json["versions"] == [1, 2, 3, 4, 5, 6] else { return false }
            }
            return true
        }
        #expect(allListed)
        for version in 1...6 {
            var descriptions: [JSONValue?] = []
            for port in [firstPort, secondPort, thirdPort] {
                descriptions.append(try await Self.request(.get, port: port, "/v1/schemas/signup/versions/\(version)").json["description"])
            }
            #expect(Set(descriptions.map { "\($0 ?? .null)" }).count == 1, "version \(version): \(descriptions)")
        }
    }
}
