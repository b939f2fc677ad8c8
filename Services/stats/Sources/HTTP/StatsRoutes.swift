import EDMEvents
import EDMHTTP
import Foundation
import Hummingbird

/// The stats API: `/v1/stats/*` (documented in ``StatsOpenAPI``) and the reference's legacy
/// `/api/clickCount` and `/api/clickHistory`, unchanged in shape so old dashboards keep working.
public struct StatsRoutes: Sendable {
    public static let defaultLimit = 100
    /// The most rows any list route returns, whatever the client asks: no response is unbounded.
    public static let maximumLimit = 1000
    /// The legacy routes had no parameters and returned everything; they now return the first
    /// `maximumLimit` rows unless `limit` asks for fewer.
    public static let legacyDefaultLimit = maximumLimit

    let queries: StatsQueries
    let registry: EventRegistry
    let now: @Sendable () -> Date
    /// Accepted bearer tokens; the router enforces them and the OpenAPI document declares them.
    let tokens: BearerTokens
    /// The recent alerts `GET /v1/alerts` lists (filled by ``AlertFeed``).
    let alerts: RecentAlerts

    public init(
        queries: StatsQueries, registry: EventRegistry = .standard, tokens: BearerTokens = BearerTokens([]),
        alerts: RecentAlerts = RecentAlerts(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.queries = queries
        self.registry = registry
        self.tokens = tokens
        self.alerts = alerts
        self.now = now
    }

    /// Paths served without a token: probes, scrapes and the API's own description.
    public static let openPaths: Set<String> = ["/health", "/ready", "/metrics", "/openapi.json"]

    public func add<Context: RequestContext>(to router: Router<Context>) {
        let queries = self.queries
        let registry = self.registry
        let now = self.now
        let openAPI = StatsOpenAPI.json(registry: registry, guarded: !tokens.isOpen)
        router.get("/v1/stats/summary") { request, _ in
            try Self.checked { _ = try QueryParameters(Self.query(request), allowed: []) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.summary() })
        }
        router.get("/v1/stats/cursor") { request, _ in
            try Self.checked { _ = try QueryParameters(Self.query(request), allowed: []) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.cursor() })
        }
        router.get("/v1/stats/clicks") { request, _ in
            let limit = try Self.checked { try Self.limit(request, default: Self.defaultLimit) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.clicks(limit: limit) })
        }
        router.get("/v1/stats/pageloads") { request, _ in
            let limit = try Self.checked { try Self.limit(request, default: Self.defaultLimit) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.pageLoads(limit: limit) })
        }
        router.get("/v1/stats/timeseries") { request, _ in
            let query = try Self.checked { try TimeseriesQuery.parse(Self.query(request), registry: registry, now: now()) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.timeseries(query) })
        }
        router.get("/v1/stats/types") { request, _ in
            try Self.checked { _ = try QueryParameters(Self.query(request), allowed: []) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.types() })
        }
        router.get("/v1/stats/types/:type") { request, context in
            let type = context.parameters.get("type") ?? ""
            let query = try Self.checked { try TypeStatsQuery.parse(type: type, Self.query(request), now: now()) }
            guard let view = try await DatabaseAvailability.run({ try await queries.typeStats(query) }) else {
                throw APIError.notFound(
                    "unknown event type \"\(type)\": not built in, not registered (POST /v1/schemas/{type} on the relay) "
                        + "and no event of it counted; GET /v1/stats/types lists the known ones")
            }
            return try Self.json(view)
        }
        let alerts = self.alerts
        router.get("/v1/alerts") { request, _ in
            let limit = try Self.checked { try Self.limit(request, default: Self.defaultLimit) }
            return try Self.json(alerts.view(limit: limit))
        }
        router.get("/api/clickCount") { request, _ in
            let limit = try Self.checked { try Self.limit(request, default: Self.legacyDefaultLimit) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.legacyClickCount(limit: limit) })
        }
        router.get("/api/clickHistory") { request, _ in
            let limit = try Self.checked { try Self.limit(request, default: Self.legacyDefaultLimit) }
            return try Self.json(try await DatabaseAvailability.run { try await queries.legacyClickHistory(limit: limit) })
        }
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
    }

    /// A list route's only parameter, `limit` (1...``maximumLimit``).
    static func limit(_ request: Request, default defaultValue: Int) throws(APIParameterError) -> Int {
        try QueryParameters(query(request), allowed: ["limit"]).integer("limit", default: defaultValue, range: 1...maximumLimit)
    }

    static func query(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    /// Runs parameter parsing, turning its error into a 400 that names the parameter.
    static func checked<T>(_ parse: () throws -> T) throws -> T {
        do {
            return try parse()
        } catch let error as APIParameterError {
            throw APIError.badRequest(
                "invalid query parameter \(error.parameter): \(error.message)",
                details: [APIError.Detail(path: error.parameter, message: error.message, code: "invalid_parameter")])
        }
    }

    static func json(_ value: some Encodable) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try EventJSON.makeEncoder().encode(value))))
    }
}
