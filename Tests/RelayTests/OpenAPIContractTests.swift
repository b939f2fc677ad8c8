import EDMEvents
import EDMHTTP
import Foundation
import HummingbirdTesting
import OpenAPIKit
import Testing

@testable import RelayService

/// Keeps /openapi.json true: the routes it lists are the routes served, and the statuses it
/// documents per operation are exactly the statuses the handlers were seen returning.
@Suite("OpenAPI document matches the router")
struct OpenAPIContractTests {
    @Test("every route the router serves is documented, and nothing else", arguments: [false, true])
    func routesMatch(noopRoute: Bool) async throws {
        let harness = try RelayHarness { $0.noopRoute = noopRoute }
        let router = RelayApplication.router(
            configuration: harness.configuration, producer: harness.producer, logger: quietLogger)
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        let documented = Set(OpenAPIDocument.operations(in: OpenAPIDocument.make(configuration: harness.configuration)).keys)
        #expect(served == documented)
        #expect(served.contains("POST /v1/events"))
        await harness.producer.close()
    }

    @Test("GET /openapi.json serves the typed document: OpenAPI 3.1, valid, references resolvable")
    func servedDocument() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let before = Date()
            let response = try await client.get("/openapi.json")
            let after = Date()
            #expect(response.status == .ok)
            let document = try response.json
            #expect(document["openapi"]?.stringValue?.hasPrefix("3.1.") == true)
            // Built per request: equal to the document as of a moment around the request.
            let expected = try [before, after].map { try JSONValue.parse(OpenAPIDocument.json(configuration: harness.configuration, now: $0)) }
            #expect(expected.contains(document))
            let decoded = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(response.text.utf8))
            try decoded.validate()
            for reference in Self.references(in: document) {
                let path = reference.dropFirst(2).split(separator: "/").map(String.init)
                var node: JSONValue? = document
                for component in path { node = node?[component] }
                #expect(node != nil, "unresolved \(reference)")
            }
        }
    }

    @Test("each operation's documented statuses are exactly those its handler returns")
    func statusesMatch() async throws {
        var observed: [String: Set<Int>] = [:]
        func record(_ pairs: [(String, Int)]) {
            for (operation, status) in pairs { observed[operation, default: []].insert(status) }
        }
        let posts = ["/v1/events", "/produceClickMessage", "/producePageLoad", "/v1/noop"]

        // Open relay, broker up: success, client errors, probes, preflights.
        let open = try RelayHarness { $0.noopRoute = true; $0.limits.maxBodyBytes = 4096 }
        record(try await open.run { client in
            var seen: [(String, Int)] = []
            let valid = [
                "/v1/events": Payloads.click().text, "/produceClickMessage": Payloads.legacyClick().text,
                "/producePageLoad": Payloads.legacyPageLoad().text, "/v1/noop": Payloads.click().text,
            ]
            for path in posts {
                let operation = "POST \(path)"
                seen.append((operation, try await client.post(path, valid[path]!).status.code))
                seen.append((operation, try await client.post(path, "{").status.code))
                seen.append((operation, try await client.post(path, String(repeating: " ", count: 5000)).status.code))
                seen.append((operation, try await client.post(path, "{}", headers: [.contentType: "text/plain"]).status.code))
                seen.append((operation, try await client.post(path, "{}").status.code))
                let badLength = try await client.execute(
                    uri: path, method: .post, headers: [.contentType: "application/json", .contentLength: "lots"])
                seen.append((operation, badLength.status.code))
            }
            for path in ["/v1/events", "/produceClickMessage", "/producePageLoad"] {
                let preflight = try await client.execute(
                    uri: path, method: .options, headers: [.origin: "https://a.example", .accessControlRequestMethod: "POST"])
                seen.append(("OPTIONS \(path)", preflight.status.code))
            }
            for path in ["/v1/schemas", "/openapi.json", "/health", "/ready", "/metrics"] {
                seen.append(("GET \(path)", try await client.get(path).status.code))
            }
            return seen
        })

        // The schema registry: every answer of its three operations.
        let registry = try RelayHarness { $0.adminKeys = BearerTokens(["admin"]); $0.limits.maxBodyBytes = 4096 }
        record(try await registry.run { client in
            let post = "POST /v1/schemas/{type}", getType = "GET /v1/schemas/{type}"
            let getVersion = "GET /v1/schemas/{type}/versions/{version}"
            var admin = jsonHeaders
            admin[.authorization] = "Bearer admin"
            var other = jsonHeaders
            other[.authorization] = "Bearer nope"
            let body = #"{"schema": {"type": "object", "properties": {"plan": {"enum": ["a", "b"]}}}, "owner": "o", "description": "d"}"#
            let narrowed = body.replacingOccurrences(of: #"["a", "b"]"#, with: #"["a"]"#)
            var adminText = admin
            adminText[.contentType] = "text/plain"
            return [
                (post, try await client.post("/v1/schemas/signup", body).status.code),
                (post, try await client.post("/v1/schemas/signup", body, headers: other).status.code),
                (post, try await client.post("/v1/schemas/signup", body, headers: admin).status.code),
                (post, try await client.post("/v1/schemas/signup", body, headers: admin).status.code),
                (post, try await client.post("/v1/schemas/signup", narrowed, headers: admin).status.code),
                (post, try await client.post("/v1/schemas/signup", "{}", headers: admin).status.code),
                (post, try await client.post("/v1/schemas/signup", String(repeating: " ", count: 5000), headers: admin).status.code),
                (post, try await client.post("/v1/schemas/signup", body, headers: adminText).status.code),
                (getType, try await client.get("/v1/schemas/signup").status.code),
                (getType, try await client.get("/v1/schemas/nothing").status.code),
                (getVersion, try await client.get("/v1/schemas/signup/versions/1").status.code),
                (getVersion, try await client.get("/v1/schemas/signup/versions/2").status.code),
                (getVersion, try await client.get("/v1/schemas/signup/versions/x").status.code),
            ]
        })
        let registryDown = try RelayHarness(ackTimeout: .milliseconds(500)) { $0.adminKeys = BearerTokens(["admin"]) }
        registryDown.cluster.setBroker(1, up: false)
        record(try await registryDown.run { client in
            var admin = jsonHeaders
            admin[.authorization] = "Bearer admin"
            let body = #"{"schema": {"type": "object"}, "owner": "o", "description": "d"}"#
            return [("POST /v1/schemas/{type}", try await client.post("/v1/schemas/signup", body, headers: admin).status.code)]
        })

        // Keys and a rate limit of one request at a time.
        let guarded = try RelayHarness {
            $0.noopRoute = true
            $0.apiKeys = BearerTokens(["k"])
            $0.rateLimit = RateLimit(requestsPerMinute: 1, burst: 1)
        }
        record(try await guarded.run { client in
            var seen: [(String, Int)] = []
            for path in posts {
                let operation = "POST \(path)"
                seen.append((operation, try await client.post(path, "{}").status.code))
                var wrong = jsonHeaders
                wrong[.authorization] = "Bearer nope"
                seen.append((operation, try await client.post(path, "{}", headers: wrong).status.code))
                var right = jsonHeaders
                right[.authorization] = "Bearer k"
                for _ in 0..<2 { seen.append((operation, try await client.post(path, "{}", headers: right).status.code)) }
            }
            return seen
        })

        // Broker down.
        let down = try RelayHarness(ackTimeout: .milliseconds(500))
        down.cluster.setBroker(1, up: false)
        record(try await down.run { client in
            [
                ("POST /v1/events", try await client.post("/v1/events", Payloads.click().text).status.code),
                ("POST /produceClickMessage", try await client.post("/produceClickMessage", Payloads.legacyClick().text).status.code),
                ("POST /producePageLoad", try await client.post("/producePageLoad", Payloads.legacyPageLoad().text).status.code),
                ("GET /ready", try await client.get("/ready").status.code),
            ]
        })

        // Each configuration documents the statuses it can answer with (401/403 only with keys,
        // 429 only with a rate limit); together they are exactly the statuses seen.
        var documented: [String: Set<Int>] = [:]
        for configuration in [open.configuration, guarded.configuration, down.configuration] {
            for (operation, statuses) in OpenAPIDocument.operations(in: OpenAPIDocument.make(configuration: configuration)) {
                documented[operation, default: []].formUnion(statuses)
            }
        }
        #expect(Set(observed.keys) == Set(documented.keys))
        for (operation, statuses) in documented.sorted(by: { $0.key < $1.key }) {
            #expect(observed[operation] == statuses, "\(operation)")
        }
        let openDocument = OpenAPIDocument.operations(in: OpenAPIDocument.make(configuration: open.configuration))
        #expect(openDocument["POST /v1/events"]?.isDisjoint(with: [401, 403, 429]) == true)
        let guardedDocument = OpenAPIDocument.operations(in: OpenAPIDocument.make(configuration: guarded.configuration))
        #expect(guardedDocument["POST /v1/events"]?.isSuperset(of: [401, 403, 429]) == true)
    }

    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let members):
            var found = members["$ref"]?.stringValue.map { [$0] } ?? []
            for (key, member) in members where key != "$ref" { found += references(in: member) }
            return found
        case .array(let elements):
            return elements.flatMap(references(in:))
        default:
            return []
        }
    }
}
