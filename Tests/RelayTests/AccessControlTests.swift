import EDMCore
import EDMEvents
import EDMHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import RelayService

@Suite("API keys, rate limits and CORS")
struct AccessControlTests {
    static func withKeys(_ configure: @escaping (inout RelayConfiguration) -> Void = { _ in }) throws -> RelayHarness {
        try RelayHarness {
            $0.apiKeys = BearerTokens(["old-key", "new-key"])
            configure(&$0)
        }
    }

    static func bearer(_ key: String) -> HTTPFields {
        [.contentType: "application/json", .authorization: "Bearer \(key)"]
    }

    @Test("a key scoped to types posts only those: 403 naming the refused event, nothing stored; other keys post any")
    func scopedKeys() async throws {
        let (keys, scopes) = try KeyScopes.parse(["page-key:pageload", "all-key"], variable: "API_KEYS")
        let harness = try RelayHarness {
            $0.apiKeys = BearerTokens(keys)
            $0.keyScopes = scopes
        }
        try await harness.run { client in
            let refused = try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer("page-key"))
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "type_not_allowed")
            #expect(refused.errorPaths == ["type"])
            let batch = "[" + Payloads.pageload().text + "," + Payloads.click().text + "]"
            let refusedBatch = try await client.post("/v1/events", batch, headers: Self.bearer("page-key"))
            #expect(refusedBatch.status == .forbidden)
            #expect(refusedBatch.errorPaths == ["[1].type"])
            let legacy = try await client.post("/produceClickMessage", Payloads.legacyClick().text, headers: Self.bearer("page-key"))
            #expect(legacy.status == .forbidden)
            let allowed = try await client.post("/v1/events", Payloads.pageload().text, headers: Self.bearer("page-key"))
            #expect(allowed.status == .accepted)
            let unrestricted = try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer("all-key"))
            #expect(unrestricted.status == .accepted)
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 1)
        #expect(try await harness.storedCount(harness.topic(PageLoadProperties.self)) == 1)
    }

    @Test("API_KEYS entries with a malformed scope are refused naming the variable, never the key")
    func malformedScopes() {
        for entry in ["secret-key:", "secret-key:Signup", "secret-key:a b", ":click"] {
            #expect(throws: ConfigError.self) { try KeyScopes.parse([entry], variable: "API_KEYS") }
            do {
                _ = try KeyScopes.parse([entry], variable: "API_KEYS")
            } catch {
                #expect(!"\(error)".contains("secret-key"), "\(error)")
            }
        }
        #expect((try? KeyScopes.parse(["k:click+signup"], variable: "API_KEYS"))?.keys == ["k"])
    }

    @Test("with API_KEYS set: no key is 401, a wrong key is 403, either current key is accepted")
    func keys() async throws {
        let harness = try Self.withKeys()
        try await harness.run { client in
            let missing = try await client.post("/v1/events", Payloads.click().text)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            let wrong = try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer("guess"))
            #expect(wrong.status == .forbidden)
            for key in ["old-key", "new-key"] {
                let accepted = try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer(key))
                #expect(accepted.status == .accepted)
            }
            let legacy = try await client.post("/produceClickMessage", Payloads.legacyClick().text)
            #expect(legacy.status == .unauthorized)
            // Unknown routes are 404 with or without a key.
            let unknown = try await client.post("/v1/nothing", Payloads.click().text)
            #expect(unknown.status == .notFound)
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 2)
    }

    @Test("probes, metrics and documentation stay open when keys are set")
    func openPaths() async throws {
        let harness = try Self.withKeys()
        try await harness.run { client in
            for path in ["/health", "/ready", "/metrics", "/openapi.json", "/v1/schemas"] {
                let response = try await client.get(path)
                #expect(response.status == .ok, "\(path)")
            }
        }
    }

    @Test("LEGACY_ROUTES_OPEN lets the browser routes through without a key, not /v1/events")
    func legacyOpen() async throws {
        let harness = try Self.withKeys { $0.legacyRoutesOpen = true }
        try await harness.run { client in
            let click = try await client.post("/produceClickMessage", Payloads.legacyClick().text)
            #expect(click.status == .accepted)
            let pageload = try await client.post("/producePageLoad", Payloads.legacyPageLoad().text)
            #expect(pageload.status == .accepted)
            let v1 = try await client.post("/v1/events", Payloads.click().text)
            #expect(v1.status == .unauthorized)
        }
    }

    @Test("over the per-key rate: 429 with Retry-After; another key has its own bucket")
    func rateLimited() async throws {
        let harness = try Self.withKeys { $0.rateLimit = RateLimit(requestsPerMinute: 1, burst: 2) }
        try await harness.run { client in
            for _ in 0..<2 {
                #expect(try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer("old-key")).status == .accepted)
            }
            let limited = try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer("old-key"))
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "rate_limited")
            #expect((55...60).contains(Int(limited.headers[.retryAfter] ?? "") ?? 0), "\(limited.headers)")
            #expect(try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer("new-key")).status == .accepted)
            // Reads are never limited.
            #expect(try await client.get("/health").status == .ok)
        }
    }

    @Test("without API_KEYS a bearer value is unverified: a fresh value per request gets no fresh bucket")
    func rateLimitIgnoresUnverifiedKeys() async throws {
        let harness = try RelayHarness { $0.rateLimit = RateLimit(requestsPerMinute: 1, burst: 2) }
        try await harness.run { client in
            var statuses: [Int] = []
            for index in 0..<4 {
                let response = try await client.post("/v1/events", Payloads.click().text, headers: Self.bearer("made-up-\(index)"))
                statuses.append(response.status.code)
            }
            // Keyed by address, so the burst of 2 is shared by every made-up key.
            #expect(statuses == [202, 202, 429, 429])
        }
    }

    @Test("the token bucket refills at the configured rate")
    func bucketRefills() {
        let limiter = TokenBucketLimiter(limit: RateLimit(requestsPerMinute: 120, burst: 1))
        let start = ContinuousClock.now
        #expect(limiter.take("k", now: start) == .allowed)
        #expect(limiter.take("k", now: start + .milliseconds(100)) == .limited(retryAfterSeconds: 1))
        #expect(limiter.take("k", now: start + .milliseconds(600)) == .allowed)
        #expect(limiter.take("other", now: start + .milliseconds(600)) == .allowed)
    }

    @Test("the limiter forgets idle clients instead of growing without bound")
    func bucketsBounded() {
        let limiter = TokenBucketLimiter(limit: RateLimit(requestsPerMinute: 60, burst: 1), maxClients: 10)
        let start = ContinuousClock.now
        for index in 0..<100 {
            _ = limiter.take("client-\(index)", now: start + .seconds(index * 2))
        }
        #expect(limiter.clientCount <= 10)
    }

    @Test("a preflight from an allowed origin gets the CORS answer; responses and errors carry Allow-Origin")
    func corsAllowed() async throws {
        let harness = try RelayHarness { $0.cors = CORSPolicy(origins: .list(["https://shop.example.com"])) }
        try await harness.run { client in
            for path in ["/produceClickMessage", "/producePageLoad", "/v1/events"] {
                let preflight = try await client.execute(
                    uri: path, method: .options,
                    headers: [.origin: "https://shop.example.com", .accessControlRequestMethod: "POST"])
                #expect(preflight.status == .noContent)
                #expect(preflight.headers[.accessControlAllowOrigin] == "https://shop.example.com")
                #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
                #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
            }
            var headers = jsonHeaders
            headers[.origin] = "https://shop.example.com"
            let accepted = try await client.post("/produceClickMessage", Payloads.legacyClick().text, headers: headers)
            #expect(accepted.status == .accepted)
            #expect(accepted.headers[.accessControlAllowOrigin] == "https://shop.example.com")
            let refused = try await client.post("/produceClickMessage", "{", headers: headers)
            #expect(refused.status == .badRequest)
            #expect(refused.headers[.accessControlAllowOrigin] == "https://shop.example.com")
            #expect(refused.headers[.accessControlExposeHeaders] == "Retry-After")
        }
    }

    @Test("another origin gets no CORS permission")
    func corsRefused() async throws {
        let harness = try RelayHarness { $0.cors = CORSPolicy(origins: .list(["https://shop.example.com"])) }
        try await harness.run { client in
            let preflight = try await client.execute(
                uri: "/produceClickMessage", method: .options,
                headers: [.origin: "https://evil.example.net", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == nil)
            #expect(preflight.headers[.accessControlAllowMethods] == nil)
        }
    }

    @Test("CORS_ALLOWED_ORIGINS parsing")
    func corsParsing() throws {
        let list = try CORSPolicy(
            environment: .init(["C": "https://Shop.example.com/, http://localhost:3000"]), variable: "C")
        #expect(list.allowedOrigin(for: "https://shop.example.com") == "https://shop.example.com")
        #expect(list.allowedOrigin(for: "http://localhost:3000") == "http://localhost:3000")
        #expect(list.allowedOrigin(for: "http://localhost:3001") == nil)
        #expect(try CORSPolicy(environment: .init(["C": "*"]), variable: "C").allowedOrigin(for: "https://x.io") == "*")
        #expect(try CORSPolicy(environment: .init([:]), variable: "C") == .disabled)
        #expect(throws: ConfigError.self) { try CORSPolicy(environment: .init(["C": "shop.example.com"]), variable: "C") }
        #expect(throws: ConfigError.self) { try CORSPolicy(environment: .init(["C": "*,https://a.io"]), variable: "C") }
    }
}
