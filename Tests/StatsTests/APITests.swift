import EDMEvents
import EDMHTTP
import EDMPostgres
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

@Suite("HTTP API contract")
struct APITests {
    static let badRequests: [(uri: String, parameter: String)] = [
        ("/v1/stats/timeseries?bucket=1m", "type"),
        ("/v1/stats/timeseries?type=purchase&bucket=1m", "type"),
        ("/v1/stats/timeseries?type=click", "bucket"),
        ("/v1/stats/timeseries?type=click&bucket=5m", "bucket"),
        ("/v1/stats/timeseries?type=click&bucket=1m&from=yesterday", "from"),
        ("/v1/stats/timeseries?type=click&bucket=1m&to=2024-13-01T00:00:00Z", "to"),
        ("/v1/stats/timeseries?type=click&bucket=1m&from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z", "from"),
        ("/v1/stats/timeseries?type=click&bucket=10s&from=2024-01-01T00:00:00Z&to=2024-05-01T00:00:00Z", "bucket"),
        ("/v1/stats/timeseries?type=pageload&bucket=1m&buttonId=alpha", "buttonId"),
        ("/v1/stats/timeseries?type=click&bucket=1m&bukcet=1h", "bukcet"),
        ("/v1/stats/timeseries?type=click&type=pageload&bucket=1m", "type"),
        ("/v1/stats/clicks?limit=abc", "limit"),
        ("/v1/stats/clicks?limit=0", "limit"),
        ("/v1/stats/clicks?limit=1001", "limit"),
        ("/v1/stats/pageloads?limit=-5", "limit"),
        ("/v1/stats/summary?verbose=1", "verbose"),
        ("/v1/stats/timeseries?type=click&bucket=1d&from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", "bucket"),
        ("/api/clickCount?limit=1001", "limit"),
        ("/api/clickCount?verbose=1", "verbose"),
        ("/api/clickHistory?limit=0", "limit"),
        ("/api/clickHistory?days=3", "days"),
    ]

    @Test("bad query parameters get 400 with a message naming the parameter")
    func parameterErrors() async throws {
        let world = try await StatsWorld.make()
        let app = Application(router: world.router(), logger: quietLogger)
        try await app.test(.router) { client in
            for (uri, parameter) in Self.badRequests {
                let (status, json, _) = try await client.get(uri)
                #expect(status == 400, "\(uri)")
                #expect(json?["error"]?["code"] == "bad_request", "\(uri)")
                #expect(json?["error"]?["details"]?.arrayValue?.first?["path"]?.stringValue == parameter, "\(uri)")
                let message = json?["error"]?["message"]?.stringValue ?? ""
                #expect(message.contains(parameter), "\(uri): \(message)")
            }
            // Encoded `+` offsets and the unencoded form (a space) are both accepted.
            #expect(try await client.get("/v1/stats/timeseries?type=click&bucket=1h&from=2024-05-01T00:00:00%2B02:00&to=2024-05-02T00:00:00Z").status == 200)
            #expect(try await client.get("/v1/stats/timeseries?type=click&bucket=1h&from=2024-05-01T00:00:00+02:00&to=2024-05-02T00:00:00Z").status == 200)
            #expect(try await client.get("/v1/stats/nothing").status == 404)
        }
    }

    @Test("/openapi.json documents exactly the routes the router serves")
    func openAPIMatchesRoutes() async throws {
        let world = try await StatsWorld.make()
        let router = world.router()
        let document = try JSONValue.parse(StatsOpenAPI.json())
        #expect(document["openapi"]?.stringValue?.hasPrefix("3.1.") == true)
        #expect((document["security"]?.arrayValue ?? []).count == 0, "stats takes no credentials")
        #expect(document["components"]?["securitySchemes"] == nil)
        var documented = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in (item.objectValue ?? [:]).keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        #expect(documented == served)
        // Every schema a route refers to exists.
        let schemas = Set((document["components"]?["schemas"]?.objectValue ?? [:]).keys)
        let text = String(decoding: document.serialized(), as: UTF8.self)
        let references = text.components(separatedBy: "#/components/schemas/").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(!references.isEmpty)
        for reference in references { #expect(schemas.contains(String(reference)), "\(reference)") }
        #expect(text.contains("occurredAt") && text.contains("receivedAt"), "the time basis is documented")

        let app = Application(router: router, logger: quietLogger)
        try await app.test(.router) { client in
            let (status, json, _) = try await client.get("/openapi.json")
            #expect(status == 200)
            #expect(json == document)
        }
    }

    @Test("with the database unreachable every data route answers 503 with Retry-After, and /ready names it")
    func databaseUnreachable() async throws {
        var configuration = try PostgresConfiguration(url: "postgres://postgres@127.0.0.1:\(try TestPostgres.freePort())/none")
        configuration.connectTimeout = .seconds(2)
        let unreachable = PostgresPool(configuration: configuration, logger: quietLogger)
        let router = StatsRouter.make(
            routes: StatsRoutes(queries: StatsQueries(pool: unreachable)),
            readiness: [ReadinessCheck(name: "database") { await unreachable.isReachable() }])
        let app = Application(router: router, logger: quietLogger)
        try await app.test(.router) { client in
            for uri in ["/v1/stats/summary", "/v1/stats/clicks", "/v1/stats/pageloads",
                        "/v1/stats/timeseries?type=click&bucket=1h", "/api/clickCount", "/api/clickHistory"] {
                let (status, json, headers) = try await client.get(uri)
                #expect(status == 503, "\(uri)")
                #expect(json?["error"]?["code"] == "unavailable", "\(uri)")
                #expect(headers["retry-after"] == "5", "\(uri): \(headers)")
            }
            let (status, json, _) = try await client.get("/ready")
            #expect(status == 503)
            #expect(json?["unavailable"] == "database")
            #expect(try await client.get("/health").status == 200)
        }
        await unreachable.close()
    }

    @Test("browsers on other origins may read the API (CORS)")
    func cors() async throws {
        let world = try await StatsWorld.make()
        let app = Application(router: world.router(), logger: quietLogger)
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/api/clickCount", method: .get, headers: [.origin: "https://dashboard.example.com"])
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == "*")
        }
    }
}
