import EDMEvents

/// The OpenAPI 3 description of every route `stats` serves, at `GET /openapi.json`. A test
/// compares its paths with the router's, so a route cannot be added or removed without it.
public enum StatsOpenAPI {
    public static func document(registry: EventRegistry = .standard, policy: EventTimePolicy = .standard) -> JSONValue {
        let types = registry.typeNames.map { JSONValue.string($0) }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "edm stats",
                "version": "1.0.0",
                "description": .string(
                    "Event counts computed exactly once from the event topics (crashes, restarts, rebalances "
                        + "and client retries with the same id never count an event twice). Counts are "
                        + "eventually consistent: an event appears within about a second of reaching Kafka. "
                        + "Time basis: \(policy.summary) When the database is unreachable every data route "
                        + "answers 503 with Retry-After."),
            ],
            "paths": .object([
                "/v1/stats/summary": get(
                    "Totals per event type, last event times and skipped messages", response: "Summary"),
                "/v1/stats/clicks": get(
                    "Clicks per button, most clicked first", response: "Clicks", parameters: [limit]),
                "/v1/stats/pageloads": get(
                    "Page loads per device type and per URL (URLs most loaded first)", response: "PageLoads",
                    parameters: [limit]),
                "/v1/stats/timeseries": get(
                    "Event counts per time bucket, every bucket of the range included (zeros too). "
                        + policy.summary,
                    response: "Timeseries",
                    parameters: [
                        parameter("type", required: true, schema: ["type": "string", "enum": .array(types)],
                                  "Event type."),
                        parameter("bucket", required: true,
                                  schema: ["type": "string", "enum": .array(BucketWidth.allCases.map { .string($0.rawValue) })],
                                  "Bucket width: 10 seconds, 1 minute, 1 hour or 1 day (UTC)."),
                        parameter("from", required: false, schema: timestamp,
                                  "Start (RFC 3339), aligned down to a bucket boundary. Default: \(TimeseriesQuery.defaultPoints) buckets before to."),
                        parameter("to", required: false, schema: timestamp,
                                  "End, exclusive (RFC 3339). Default: the end of the current bucket."),
                        parameter("buttonId", required: false, schema: ["type": "string", "minLength": 1, "maxLength": 200],
                                  "Only clicks on this button (type must be click)."),
                    ]),
                "/api/clickCount": get(
                    "Legacy (reference stats service): all-time clicks per button; counts are strings",
                    response: "LegacyClickCounts", legacy: true),
                "/api/clickHistory": get(
                    "Legacy (reference stats service): clicks per UTC day, oldest first; counts are strings",
                    response: "LegacyClickHistory", legacy: true),
                "/openapi.json": plain("This document", contentType: "application/json"),
                "/health": plain("Liveness: 200 while the process runs", contentType: "application/json"),
                "/ready": [
                    "get": [
                        "summary": "Readiness: 200 when PostgreSQL and the Kafka brokers answer, else 503 naming what is down",
                        "responses": [
                            "200": ["description": "Ready"],
                            "503": ["description": "A dependency is down"],
                        ],
                    ]
                ],
                "/metrics": plain(
                    "Prometheus metrics: stats_ingest_messages_per_second, stats_batch_messages, "
                        + "stats_batch_commit_seconds, stats_consumer_lag, stats_messages_skipped_total, ...",
                    contentType: "text/plain"),
            ]),
            "components": ["schemas": .object(schemas(types: types))],
        ]
    }

    private static let timestamp: JSONValue = ["type": "string", "format": "date-time"]
    private static let count: JSONValue = ["type": "integer", "format": "int64", "minimum": 0]

    private static let limit = parameter(
        "limit", required: false,
        schema: ["type": "integer", "minimum": 1, "maximum": .integer(Int64(StatsRoutes.maximumLimit)),
                 "default": .integer(Int64(StatsRoutes.defaultLimit))],
        "Most rows to return.")

    private static func parameter(_ name: String, required: Bool, schema: JSONValue, _ description: String) -> JSONValue {
        ["name": .string(name), "in": "query", "required": .bool(required), "schema": schema, "description": .string(description)]
    }

    private static func reference(_ schema: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/\(schema)")]
    }

    private static func get(_ summary: String, response: String, parameters: [JSONValue] = [], legacy: Bool = false) -> JSONValue {
        var responses: [String: JSONValue] = [
            "200": ["description": "OK", "content": ["application/json": ["schema": reference(response)]]],
            "503": ["description": "The database is unavailable (Retry-After set)",
                    "content": ["application/json": ["schema": reference("Error")]]],
        ]
        responses["400"] = ["description": "A query parameter is invalid or unknown",
                            "content": ["application/json": ["schema": reference("Error")]]]
        var operation: [String: JSONValue] = ["summary": .string(summary), "responses": .object(responses)]
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if legacy { operation["tags"] = ["legacy"] }
        return ["get": .object(operation)]
    }

    private static func plain(_ summary: String, contentType: String) -> JSONValue {
        ["get": ["summary": .string(summary),
                 "responses": ["200": ["description": "OK", "content": [contentType: ["schema": ["type": "object"]]]]]]]
    }

    private static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })]
    }

    private static func schemas(types: [JSONValue]) -> [String: JSONValue] {
        let typeTotal = object(
            ["count": count, "lastEventAt": timestamp, "lastReceivedAt": timestamp], required: ["count"])
        return [
            "Summary": object(
                [
                    "totalEvents": count,
                    "types": ["type": "object", "additionalProperties": typeTotal],
                    "lastEventAt": timestamp, "lastReceivedAt": timestamp,
                    "skippedMessages": [
                        "type": "object", "additionalProperties": count,
                        "description": .string("Messages that were not countable events, by reason: "
                            + SkipReason.allCases.map(\.rawValue).joined(separator: ", ")),
                    ],
                    "timeBasis": ["type": "string"],
                ],
                required: ["totalEvents", "types", "skippedMessages", "timeBasis"]),
            "Clicks": object(
                [
                    "buttons": ["type": "array", "items": object(
                        ["buttonId": ["type": "string"], "clicks": count, "lastClickAt": timestamp],
                        required: ["buttonId", "clicks", "lastClickAt"])],
                    "totalClicks": count, "distinctButtons": count, "limit": ["type": "integer"],
                ],
                required: ["buttons", "totalClicks", "distinctButtons", "limit"]),
            "PageLoads": object(
                [
                    "totalPageLoads": count,
                    "byDeviceType": object(
                        Dictionary(uniqueKeysWithValues: DeviceType.allCases.map { ($0.rawValue, count) }),
                        required: DeviceType.allCases.map(\.rawValue)),
                    "byUrl": ["type": "array", "items": object(
                        ["url": ["type": "string"], "pageLoads": count], required: ["url", "pageLoads"])],
                    "distinctUrls": count, "limit": ["type": "integer"],
                ],
                required: ["totalPageLoads", "byDeviceType", "byUrl", "distinctUrls", "limit"]),
            "Timeseries": object(
                [
                    "type": ["type": "string", "enum": .array(types)],
                    "buttonId": ["type": "string"],
                    "bucket": ["type": "string", "enum": .array(BucketWidth.allCases.map { .string($0.rawValue) })],
                    "from": timestamp, "to": timestamp,
                    "points": ["type": "array", "items": object(["start": timestamp, "count": count], required: ["start", "count"])],
                    "total": count,
                    "timeBasis": ["type": "string"],
                ],
                required: ["type", "bucket", "from", "to", "points", "total", "timeBasis"]),
            "LegacyClickCounts": [
                "type": "array",
                "items": object(
                    ["button_id": ["type": "string"], "sum": ["type": "string", "pattern": "^[0-9]+$"]],
                    required: ["button_id", "sum"]),
            ],
            "LegacyClickHistory": [
                "type": "array",
                "items": object(
                    ["Day": ["type": "string", "format": "date-time", "description": "UTC midnight"],
                     "clicks": ["type": "string", "pattern": "^[0-9]+$"]],
                    required: ["Day", "clicks"]),
            ],
            "Error": object(
                [
                    "error": object(
                        [
                            "code": ["type": "string"], "message": ["type": "string"],
                            "details": ["type": "array", "items": object(
                                ["path": ["type": "string"], "message": ["type": "string"], "code": ["type": "string"]],
                                required: ["path", "message"])],
                        ],
                        required: ["code", "message"])
                ],
                required: ["error"]),
        ]
    }
}
