import EDMEvents

/// The relay's OpenAPI 3.1 document, written by hand route by route (schemas come from the
/// shared event rules). `RelayTests` keeps it true: every route the router serves is here and
/// nothing else, and each operation's documented statuses are exactly those its handler returns.
public enum OpenAPIDocument {
    public static func make(configuration: RelayConfiguration) -> JSONValue {
        var paths: [String: JSONValue] = [
            "/v1/events": [
                "post": v1Events,
                "options": preflight("/v1/events"),
            ],
            "/v1/schemas": ["get": schemasOperation],
            "/openapi.json": ["get": openAPIOperation],
            "/health": ["get": healthOperation],
            "/ready": ["get": readyOperation],
            "/metrics": ["get": metricsOperation],
        ]
        for route in LegacyRoutes.all {
            paths[route.path] = [
                "post": legacyOperation(route, open: configuration.legacyRoutesOpen),
                "options": preflight(route.path),
            ]
        }
        if configuration.noopRoute {
            paths[NoopRoute.path] = ["post": noopOperation]
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "edm-swift relay",
                "version": "1.0.0",
                "description": .string(
                    "The HTTP edge of edm-swift: validates storefront events and answers 202 only after "
                        + "Kafka acknowledged every one of them. Errors are JSON: "
                        + "{\"error\": {\"code\", \"message\", \"details\": [{\"path\", \"message\", \"code\"}]}}."),
            ],
            "paths": .object(paths),
            "components": components,
            "security": [["apiKey": []]],
        ]
    }

    /// Every (method, path) the document describes, with its response statuses.
    public static func operations(in document: JSONValue) -> [String: Set<Int>] {
        var operations: [String: Set<Int>] = [:]
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for (method, operation) in item.objectValue ?? [:] {
                let statuses = (operation["responses"]?.objectValue ?? [:]).keys.compactMap { Int($0) }
                operations["\(method.uppercased()) \(path)"] = Set(statuses)
            }
        }
        return operations
    }

    // MARK: Operations

    private static let ingestErrors: [String: JSONValue] = [
        "400": ref("BadRequest"), "401": ref("Unauthorized"), "403": ref("Forbidden"),
        "413": ref("PayloadTooLarge"), "415": ref("UnsupportedMediaType"), "422": ref("Unprocessable"),
        "429": ref("RateLimited"), "503": ref("Unavailable"),
    ]

    private static var v1Events: JSONValue {
        var responses = ingestErrors
        responses["202"] = ref("Accepted")
        let single: JSONValue = ["oneOf": .array(EventRegistry.standard.kinds.map { schemaRef("\($0.eventType).request") })]
        return [
            "operationId": "postEvents",
            "summary": "Send one event or a batch (a JSON array); a batch is accepted or refused whole.",
            "description": .string(
                "202 only once the broker acknowledged every event. Invalid events give 422 with every "
                    + "problem listed; in a batch, paths start with the element index ([3].properties.buttonId) "
                    + "and nothing is produced. The event type comes from each event's type field."),
            "requestBody": [
                "required": true,
                "content": ["application/json": ["schema": ["oneOf": [single, ["type": "array", "minItems": 1, "items": single]]]]],
            ],
            "responses": .object(responses),
        ]
    }

    private static func legacyOperation(_ route: LegacyRoutes.Route, open: Bool) -> JSONValue {
        var responses = ingestErrors
        responses["202"] = ref("Accepted")
        var operation: JSONValue = [
            "operationId": .string(String(route.path.dropFirst())),
            "summary": .string("The reference relay's route for \(route.kind.eventType) events (browser clients)."),
            "description": .string(
                "Accepts the reference relay's payload unchanged; the route decides the type and topic "
                    + "must be \(route.kind.topicBase). Answers 202 with the assigned id once stored."),
            "requestBody": [
                "required": true,
                "content": ["application/json": ["schema": schemaRef("\(route.kind.eventType).legacy")]],
            ],
            "responses": .object(responses),
        ]
        if open, case .object(var members) = operation {
            members["security"] = []
            operation = .object(members)
        }
        return operation
    }

    private static func preflight(_ path: String) -> JSONValue {
        [
            "operationId": .string("preflight" + path.split(separator: "/").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()),
            "summary": "CORS preflight; allowed origins come from CORS_ALLOWED_ORIGINS.",
            "security": [],
            "responses": [
                "204": ["description": "Preflight answer; carries Access-Control-Allow-* headers when the origin is allowed."]
            ],
        ]
    }

    private static let schemasOperation: JSONValue = [
        "operationId": "getSchemas",
        "summary": "The JSON Schemas (draft 2020-12) of every event type, as requests and as stored envelopes.",
        "security": [],
        "responses": [
            "200": [
                "description": "Keyed by event type, then by form (request, envelope).",
                "content": ["application/json": ["schema": ["type": "object"]]],
            ]
        ],
    ]

    private static let openAPIOperation: JSONValue = [
        "operationId": "getOpenAPI",
        "summary": "This document.",
        "security": [],
        "responses": ["200": ["description": "OpenAPI 3.1", "content": ["application/json": ["schema": ["type": "object"]]]]],
    ]

    private static let healthOperation: JSONValue = [
        "operationId": "getHealth",
        "summary": "Liveness: the process serves HTTP.",
        "security": [],
        "responses": ["200": ref("Status")],
    ]

    private static let readyOperation: JSONValue = [
        "operationId": "getReady",
        "summary": "Readiness: the Kafka cluster answers a metadata request within 2 s.",
        "security": [],
        "responses": ["200": ref("Status"), "503": ref("Status")],
    ]

    private static let metricsOperation: JSONValue = [
        "operationId": "getMetrics",
        "summary": "Prometheus metrics (text exposition format 0.0.4).",
        "security": [],
        "responses": ["200": ["description": "Metrics", "content": ["text/plain": ["schema": ["type": "string"]]]]],
    ]

    private static let noopOperation: JSONValue = [
        "operationId": "postNoop",
        "summary": "Benchmark baseline: reads the body like /v1/events, then answers 202 without parsing or producing.",
        "requestBody": ["required": true, "content": ["application/json": ["schema": ["type": "object"]]]],
        "responses": [
            "202": ref("Accepted"), "400": ref("BadRequest"), "401": ref("Unauthorized"), "403": ref("Forbidden"),
            "413": ref("PayloadTooLarge"), "415": ref("UnsupportedMediaType"), "429": ref("RateLimited"),
        ],
    ]

    // MARK: Components

    private static var components: JSONValue {
        var schemas: [String: JSONValue] = [
            "Error": errorSchema,
            "Accepted": [
                "type": "object", "required": ["accepted", "ids"],
                "properties": [
                    "accepted": ["type": "integer", "description": "Events stored (acknowledged by the broker)."],
                    "ids": ["type": "array", "items": ["type": "string", "format": "uuid"]],
                ],
            ],
        ]
        for kind in EventRegistry.standard.kinds {
            schemas["\(kind.eventType).request"] = EventSchemas.document(for: kind, form: .request)
            schemas["\(kind.eventType).envelope"] = EventSchemas.document(for: kind, form: .envelope)
            schemas["\(kind.eventType).legacy"] = LegacySchema.document(for: kind)
        }
        return [
            "schemas": .object(schemas),
            "responses": responses,
            "securitySchemes": [
                "apiKey": [
                    "type": "http", "scheme": "bearer",
                    "description": "One of API_KEYS. When API_KEYS is empty the relay is open (and says so in its log).",
                ]
            ],
        ]
    }

    private static let errorSchema: JSONValue = [
        "type": "object", "required": ["error"],
        "properties": [
            "error": [
                "type": "object", "required": ["code", "message"],
                "properties": [
                    "code": ["type": "string"],
                    "message": ["type": "string"],
                    "details": [
                        "type": "array",
                        "items": [
                            "type": "object", "required": ["path", "message"],
                            "properties": [
                                "path": ["type": "string", "description": "JSON path of the field, such as [3].properties.buttonId."],
                                "message": ["type": "string"],
                                "code": ["type": "string", "description": "Violation code (required, wrong_type, too_long, ...)."],
                            ],
                        ],
                    ],
                ],
            ]
        ],
    ]

    private static let responses: JSONValue = [
        "Accepted": [
            "description": "Every event was acknowledged by the broker.",
            "content": ["application/json": ["schema": schemaRef("Accepted")]],
        ],
        "Status": [
            "description": "Status document.",
            "content": ["application/json": ["schema": ["type": "object"]]],
        ],
        "BadRequest": errorResponse("Malformed JSON (code malformed_json; the message names the byte offset) or a bad Content-Length."),
        "Unauthorized": errorResponse("No Authorization: Bearer key sent while API_KEYS is set."),
        "Forbidden": errorResponse("The key is not one of API_KEYS."),
        "PayloadTooLarge": errorResponse("Body over MAX_BODY_BYTES, or a batch over MAX_BATCH_EVENTS."),
        "UnsupportedMediaType": errorResponse("Content-Type is not application/json."),
        "Unprocessable": errorResponse("Schema violations, every one listed in details with its path."),
        "RateLimited": errorResponse("Over RATE_LIMIT_PER_MINUTE for this key or address; see Retry-After.", retryAfter: true),
        "Unavailable": errorResponse(
            "The broker did not acknowledge every event in time (codes timeout, queue_full, broker_error, "
                + "shutting_down); nothing is promised stored. Retry after Retry-After seconds.",
            retryAfter: true),
    ]

    private static func errorResponse(_ description: String, retryAfter: Bool = false) -> JSONValue {
        var response: [String: JSONValue] = [
            "description": .string(description),
            "content": ["application/json": ["schema": schemaRef("Error")]],
        ]
        if retryAfter {
            response["headers"] = ["Retry-After": ["description": "Seconds to wait.", "schema": ["type": "integer"]]]
        }
        return .object(response)
    }

    private static func ref(_ response: String) -> JSONValue {
        ["$ref": .string("#/components/responses/\(response)")]
    }

    private static func schemaRef(_ schema: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/\(schema)")]
    }
}
