import EDMCore
import EDMEvents
import EDMHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

@Suite("STATS_TOKENS: bearer tokens on the stats API")
struct APITokenTests {
    static let dataRoutes = [
        "/v1/stats/summary", "/v1/stats/clicks", "/v1/stats/pageloads", "/v1/stats/timeseries?type=click&bucket=1h",
        "/api/clickCount", "/api/clickHistory",
    ]

    @Test("with tokens every data route needs one (401 without, 403 wrong); probes and /openapi.json stay open")
    func dataRoutesNeedAToken() async throws {
        let world = try await StatsWorld.make()
        let app = Application(router: world.router(tokens: ["old-token", "new-token"]), logger: quietLogger)
        try await app.test(.router) { client in
            for uri in Self.dataRoutes {
                let (status, json, headers) = try await client.get(uri)
                #expect(status == 401, "\(uri)")
                #expect(json?["error"]?["code"] == "unauthorized", "\(uri)")
                #expect(headers["www-authenticate"] == "Bearer", "\(uri)")
                #expect(try await client.get(uri, headers: [.authorization: "Bearer wrong"]).status == 403, "\(uri)")
                for token in ["old-token", "new-token"] {
                    #expect(try await client.get(uri, headers: [.authorization: "Bearer \(token)"]).status == 200, "\(uri)")
                }
            }
            for uri in ["/health", "/ready", "/metrics", "/openapi.json"] {
                #expect(try await client.get(uri).status == 200, "\(uri)")
            }
        }
    }

    @Test("the OpenAPI document declares bearer security only when tokens are set")
    func documentDeclaresSecurityOnlyWithTokens() throws {
        let open = try JSONValue.parse(StatsOpenAPI.json(guarded: false))
        let security = open["security"]?.arrayValue
        #expect(security == nil || security?.isEmpty == true)
        #expect(open["components"]?["securitySchemes"] == nil)
        #expect(open["paths"]?["/v1/stats/summary"]?["get"]?["responses"]?["401"] == nil)

        let guarded = try JSONValue.parse(StatsOpenAPI.json(guarded: true))
        #expect(guarded["security"]?.arrayValue?.first?["statsToken"] != nil)
        #expect(guarded["components"]?["securitySchemes"]?["statsToken"]?["scheme"] == "bearer")
        for path in ["/v1/stats/summary", "/v1/stats/clicks", "/v1/stats/pageloads", "/v1/stats/timeseries",
                     "/api/clickCount", "/api/clickHistory"] {
            let responses = guarded["paths"]?[path]?["get"]?["responses"]
            #expect(responses?["401"] != nil && responses?["403"] != nil, "\(path)")
        }
        for path in StatsRoutes.openPaths {
            let security = guarded["paths"]?[path]?["get"]?["security"]
            #expect(security?.arrayValue?.isEmpty == true, "\(path) is open")
        }
    }

    @Test("STATS_TOKENS is read as a comma list and listed in --help")
    func configuration() throws {
        let variables = ["DATABASE_URL": "postgres://h/d", "KAFKA_URL": "127.0.0.1:9092"]
        #expect(try StatsConfiguration.fromEnvironment(ConfigVars(variables)).tokens.isOpen)
        var withTokens = variables
        withTokens["STATS_TOKENS"] = "a, b"
        let tokens = try StatsConfiguration.fromEnvironment(ConfigVars(withTokens)).tokens
        #expect(tokens.accepts("a") && tokens.accepts("b") && !tokens.accepts("c"))
        #expect(StatsConfigVariables.all.contains { $0.name == "STATS_TOKENS" })
    }
}
