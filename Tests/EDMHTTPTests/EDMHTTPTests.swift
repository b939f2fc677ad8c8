import EDMHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Shared HTTP pieces")
struct EDMHTTPTests {
    static func app(tokens: [String] = [], readiness: [ReadinessCheck] = []) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: BearerAuthMiddleware(tokens: BearerTokens(tokens), allowQueryToken: true))
        OperationalRoutes.add(to: router, service: "test", readiness: readiness)
        router.get("/boom") { _, _ -> String in throw CocoaError(.fileNoSuchFile) }
        router.get("/teapot") { _, _ -> String in throw HTTPError(.badRequest, message: "bad thing") }
        router.get("/api") { _, _ -> String in throw APIError.badRequest("limit must be 1...1000", details: [.init(path: "limit", message: "too big")]) }
        router.get("/ok") { _, _ in "fine" }
        return Application(router: router)
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
    }

    @Test("unknown routes, Hummingbird errors and unexpected errors all answer the same JSON shape")
    func errorShape() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let error = try Self.json(response.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "not_found")
            }
            try await client.execute(uri: "/teapot", method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try Self.json(response.body)["error"] as? [String: Any]
                #expect(error?["message"] as? String == "bad thing")
            }
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let error = try Self.json(response.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "internal")
                #expect(!String(buffer: response.body).contains("fileNoSuchFile"))
            }
            try await client.execute(uri: "/api", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let details = (try Self.json(response.body)["error"] as? [String: Any])?["details"] as? [[String: Any]]
                #expect(details?.first?["path"] as? String == "limit")
            }
        }
    }

    @Test("bearer keys: 401 without, 403 when wrong, any of several keys works, query token when allowed")
    func bearer() async throws {
        try await Self.app(tokens: ["old-key", "new-key"]).test(.router) { client in
            try await client.execute(uri: "/ok", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/ok", method: .get, headers: [.authorization: "Bearer nope"]) {
                #expect($0.status == .forbidden)
            }
            for key in ["old-key", "new-key"] {
                try await client.execute(uri: "/ok", method: .get, headers: [.authorization: "Bearer \(key)"]) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/ok?token=new-key", method: .get) { #expect($0.status == .ok) }
            // Health checks and scrapes stay open.
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
        #expect(BearerTokens(["abc"]).accepts("abc"))
        #expect(!BearerTokens(["abc"]).accepts("abcd"))
        #expect(!BearerTokens(["abc"]).accepts("ab"))
        #expect(!BearerTokens([]).accepts(""))
        #expect(BearerTokens([]).isOpen)
    }

    @Test("/ready names the dependency that is down; /metrics is Prometheus text")
    func operational() async throws {
        let up = ReadinessCheck(name: "database") { true }
        let down = ReadinessCheck(name: "kafka") { false }
        try await Self.app(readiness: [up, down]).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try Self.json(response.body)
                #expect(body["unavailable"] as? String == "kafka")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
        try await Self.app(readiness: [up]).test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { #expect($0.status == .ok) }
        }
    }
}
