import EDMEvents
import EDMStatsAPI
import Foundation
import OpenAPIKit

/// The OpenAPI 3.1 description of every route `stats` serves, at `GET /openapi.json`, built as
/// typed OpenAPIKit values. Response schemas come from the `EDMStatsAPI` documents the routes
/// encode. A test compares its paths with the router's, so a route cannot be added or removed
/// without it. Like the relay's, it describes the service as configured: a bearer requirement
/// (and 401/403 answers) on the data routes only when `STATS_TOKENS` is set.
public enum StatsOpenAPI {
    static let bearerScheme = "statsToken"

    public static func document(
        registry: EventRegistry = .standard, policy: EventTimePolicy = .standard, guarded: Bool = false
    ) -> OpenAPI.Document {
        OpenAPI.Document(
            openAPIVersion: .v3_1_1,
            info: .init(
                title: "edm stats",
                description: "Event counts computed exactly once from the event topics (crashes, restarts, "
                    + "rebalances and client retries with the same id never count an event twice). Counts are "
                    + "eventually consistent: an event appears within about a second of reaching Kafka. "
                    + "Time basis: \(policy.summary) When the database is unreachable every data route "
                    + "answers 503 with Retry-After.",
                version: "1.0.0"),
            servers: [],
            paths: paths(registry: registry, policy: policy, guarded: guarded),
            components: .init(schemas: schemas, securitySchemes: securitySchemes(guarded: guarded)),
            security: guarded ? [[JSONReference<OpenAPI.SecurityScheme>.component(named: bearerScheme): []]] : [])
    }

    private static func securitySchemes(guarded: Bool) -> OpenAPI.ComponentReferenceDictionary<OpenAPI.SecurityScheme> {
        guard guarded else { return [:] }
        return [.init(stringLiteral: bearerScheme): .securityScheme(.http(scheme: "bearer", description: "One of STATS_TOKENS."))]
    }

    /// The document as served: JSON with sorted keys.
    public static func json(
        registry: EventRegistry = .standard, policy: EventTimePolicy = .standard, guarded: Bool = false
    ) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding typed OpenAPIKit values into JSON cannot fail; an empty body would fail the tests.
        return (try? encoder.encode(document(registry: registry, policy: policy, guarded: guarded))) ?? Data()
    }

    /// Every document a route answers with, under its schema name.
    static let documents: [any StatsDocument.Type] = [
        SummaryView.self, CursorView.self, ClicksView.self, PageLoadsView.self, TimeseriesView.self,
        LegacyClickCounts.self, LegacyClickHistory.self, ErrorDocument.self, AlertsView.self, TypesView.self,
        TypeStatsView.self,
    ]

    private static var schemas: OpenAPI.ComponentDictionary<JSONSchema> {
        var schemas: OpenAPI.ComponentDictionary<JSONSchema> = [:]
        for document in documents { schemas[.init(stringLiteral: document.schemaName)] = document.schema }
        schemas[.init(stringLiteral: StatusDocument.schemaName)] = StatusDocument.schema
        return schemas
    }

    private static func paths(registry: EventRegistry, policy: EventTimePolicy, guarded: Bool) -> OpenAPI.PathItem.Map {
        let get = { (operationId: String, summary: String, document: any StatsDocument.Type,
                     parameters: [OpenAPI.Parameter], tags: [String]?) in
            Self.get(operationId, summary, document, parameters, tags: tags, guarded: guarded)
        }
        return [
            "/v1/stats/summary": get(
                "getSummary", "Totals per event type, last event times and skipped messages", SummaryView.self, [], nil),
            "/v1/stats/cursor": get(
                "getCursor",
                "How far stats has counted, as the stream's resume cursor: the totals include exactly every event before it",
                CursorView.self, [], nil),
            "/v1/stats/clicks": get(
                "getClicks", "Clicks per button, most clicked first", ClicksView.self,
                [limit(default: StatsRoutes.defaultLimit)], nil),
            "/v1/stats/pageloads": get(
                "getPageLoads", "Page loads per device type and per URL (URLs most loaded first)", PageLoadsView.self,
                [limit(default: StatsRoutes.defaultLimit)], nil),
            "/v1/stats/timeseries": get(
                "getTimeseries",
                "Event counts per time bucket, every bucket of the range included (zeros too). " + policy.summary,
                TimeseriesView.self, timeseriesParameters(registry: registry), nil),
            "/v1/stats/types": get(
                "getTypes",
                "Every event type stats knows (built in, registered at runtime, or counted) with its totals",
                TypesView.self, [], nil),
            "/v1/stats/types/{type}": typeStats(policy: policy, guarded: guarded),
            "/v1/alerts": get(
                "getAlerts",
                "Recent alerts from the alerts service (edm-alerts), newest first, each id once; kept in memory, "
                    + "at most \(RecentAlerts.defaultCapacity)",
                AlertsView.self, [limit(default: StatsRoutes.defaultLimit)], nil),
            "/api/clickCount": get(
                "getLegacyClickCount",
                "Legacy (reference stats service): all-time clicks per button; counts are strings",
                LegacyClickCounts.self, [limit(default: StatsRoutes.legacyDefaultLimit)], ["legacy"]),
            "/api/clickHistory": get(
                "getLegacyClickHistory",
                "Legacy (reference stats service): clicks per UTC day, oldest first; counts are strings",
                LegacyClickHistory.self, [limit(default: StatsRoutes.legacyDefaultLimit, rows: "latest days")], ["legacy"]),
            "/openapi.json": .pathItem(.init(get: plain("getOpenAPI", "This document", .json, .object))),
            "/health": .pathItem(.init(get: plain("getHealth", "Liveness: 200 while the process runs", .json, statusReference))),
            "/ready": .pathItem(
                .init(
                    get: .init(
                        summary: "Readiness: 200 when PostgreSQL and the Kafka brokers answer, else 503 naming what is down",
                        operationId: "getReady",
                        responses: [
                            200: .response(description: "Ready", content: json(statusReference)),
                            503: .response(description: "A dependency is down", content: json(statusReference)),
                        ],
                        security: []))),
            "/metrics": .pathItem(
                .init(
                    get: plain(
                        "getMetrics",
                        "Prometheus metrics: stats_ingest_messages_per_second, stats_batch_messages, "
                            + "stats_batch_commit_seconds, stats_consumer_lag, stats_messages_skipped_total, ...",
                        .txt, .string))),
        ]
    }

    /// `GET /v1/stats/types/{type}`: a path parameter and a 404 besides the usual answers.
    private static func typeStats(policy: EventTimePolicy, guarded: Bool) -> Either<OpenAPI.Reference<OpenAPI.PathItem>, OpenAPI.PathItem> {
        let parameters: [OpenAPI.Parameter] = [
            .path(name: "type", schema: .string(minLength: 1), description: "Event type (built in or registered)."),
            .query(
                name: "bucket", required: false, schema: TimeseriesBucket.schema(required: false),
                description: "Bucket width of points: 10 seconds, 1 minute (default), 1 hour or 1 day (UTC)."),
            .query(
                name: "from", required: false, schema: .string(format: .dateTime),
                description: "Start of points (RFC 3339), aligned down to a bucket boundary. Default: "
                    + "\(TimeseriesQuery.defaultPoints) buckets before to; at most \(TimeseriesQuery.maximumPoints) buckets."),
            .query(
                name: "to", required: false, schema: .string(format: .dateTime),
                description: "End of points, exclusive (RFC 3339). Default: the end of the current bucket."),
            limit(default: StatsRoutes.defaultLimit, rows: "values per countBy field"),
        ]
        guard case .b(var item) = get(
            "getTypeStats",
            "One type's totals, counts per time bucket and counts per value of each countBy field. " + policy.summary,
            TypeStatsView.self, parameters, tags: nil, guarded: guarded),
            var operation = item.get
        else { return get("getTypeStats", "", TypeStatsView.self, parameters, tags: nil, guarded: guarded) }
        operation.responses[404] = .response(
            description: "The type is not built in, not registered and has no counted events",
            content: json(.reference(.component(named: ErrorDocument.schemaName))))
        item.get = operation
        return .pathItem(item)
    }

    private static func limit(default defaultValue: Int, rows: String = "rows") -> OpenAPI.Parameter {
        .query(
            name: "limit", required: false,
            schema: .integer(
                maximum: (StatsRoutes.maximumLimit, exclusive: false), minimum: (1, exclusive: false),
                defaultValue: AnyCodable(defaultValue)),
            description: "Most \(rows) to return (at most \(StatsRoutes.maximumLimit)).")
    }

    private static func timeseriesParameters(registry: EventRegistry) -> [OpenAPI.Parameter] {
        [
            .query(
                name: "type", required: true,
                schema: .string(allowedValues: registry.typeNames.map { AnyCodable($0) }), description: "Event type."),
            .query(
                name: "bucket", required: true, schema: TimeseriesBucket.schema(),
                description: "Bucket width: 10 seconds, 1 minute, 1 hour or 1 day (UTC)."),
            .query(
                name: "from", required: false, schema: .string(format: .dateTime),
                description: "Start (RFC 3339), aligned down to a bucket boundary. Default: "
                    + "\(TimeseriesQuery.defaultPoints) buckets before to. At most "
                    + "\(TimeseriesQuery.maximumPoints) buckets, and from must be before to."),
            .query(
                name: "to", required: false, schema: .string(format: .dateTime),
                description: "End, exclusive (RFC 3339). Default: the end of the current bucket."),
            .query(
                name: "buttonId", required: false,
                schema: .string(minLength: 1, maxLength: TimeseriesQuery.maximumButtonIdLength),
                description: "Only clicks on this button (type must be click)."),
        ]
    }

    private static var statusReference: JSONSchema { .reference(.component(named: StatusDocument.schemaName)) }

    private static func json(_ schema: JSONSchema) -> OpenAPI.Content.Map {
        [.json: .content(.init(schema: schema))]
    }

    private static func get(
        _ operationId: String, _ summary: String, _ document: any StatsDocument.Type,
        _ parameters: [OpenAPI.Parameter], tags: [String]?, guarded: Bool
    ) -> Either<OpenAPI.Reference<OpenAPI.PathItem>, OpenAPI.PathItem> {
        let error = JSONSchema.reference(.component(named: ErrorDocument.schemaName))
        var responses: OpenAPI.Response.Map = [
            200: .response(description: "OK", content: json(.reference(.component(named: document.schemaName)))),
            400: .response(description: "A query parameter is invalid, unknown or repeated", content: json(error)),
            503: .response(
                description: "The database is unavailable",
                headers: ["Retry-After": .header(.init(schema: .integer(description: "Seconds to wait.")))],
                content: json(error)),
        ]
        if guarded {
            responses[401] = .response(description: "No bearer token was sent", content: json(error))
            responses[403] = .response(description: "The token is not one of STATS_TOKENS", content: json(error))
        }
        let operation = OpenAPI.Operation(
            tags: tags, summary: summary, operationId: operationId, parameters: parameters.map { .parameter($0) },
            responses: responses)
        return .pathItem(.init(get: operation))
    }

    private static func plain(
        _ operationId: String, _ summary: String, _ contentType: OpenAPI.ContentType, _ schema: JSONSchema
    ) -> OpenAPI.Operation {
        .init(
            summary: summary, operationId: operationId,
            responses: [200: .response(description: "OK", content: [contentType: .content(.init(schema: schema))])],
            security: [])
    }
}
