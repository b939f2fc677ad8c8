import EDMEvents
import Foundation
import OpenAPIKit

/// The relay's OpenAPI 3.1 document, built route by route as typed OpenAPIKit values (event
/// schemas come from the shared event rules through ``TypedSchema``). It describes the relay as
/// configured: without `API_KEYS` no operation requires credentials and none answers 401/403;
/// without a rate limit none answers 429. `RelayTests` keeps it true: every route the router
/// serves is here and nothing else, and each operation's documented statuses are exactly those
/// its handler returns.
public enum OpenAPIDocument {
    public static let version = OpenAPI.Document.Version.v3_1_1

    /// The document as of `now` (the legacy schemas' time window depends on the clock).
    public static func make(configuration: RelayConfiguration, now: Date = Date()) -> OpenAPI.Document {
        let guarded = !configuration.apiKeys.isOpen
        var paths: OpenAPI.PathItem.Map = [
            "/v1/events": .pathItem(.init(post: v1Events(configuration), options: preflight("/v1/events"))),
            "/v1/schemas": .pathItem(.init(get: schemasOperation)),
            "/openapi.json": .pathItem(.init(get: openAPIOperation)),
            "/health": .pathItem(.init(get: healthOperation)),
            "/ready": .pathItem(.init(get: readyOperation)),
            "/metrics": .pathItem(.init(get: metricsOperation)),
        ]
        for (path, item) in zip(RegistryOperations.paths().keys, RegistryOperations.paths().values) { paths[path] = item }
        for route in LegacyRoutes.all {
            paths[OpenAPI.Path(rawValue: route.path)] = .pathItem(
                .init(post: legacyOperation(route, configuration), options: preflight(route.path)))
        }
        if configuration.noopRoute {
            paths[OpenAPI.Path(rawValue: NoopRoute.path)] = .pathItem(.init(post: noopOperation(configuration)))
        }
        return OpenAPI.Document(
            openAPIVersion: version,
            info: .init(
                title: "edm-swift relay",
                description: "The HTTP edge of edm-swift: validates storefront events and answers 202 only after "
                    + "Kafka acknowledged every one of them. Errors are JSON: "
                    + "{\"error\": {\"code\", \"message\", \"details\": [{\"path\", \"message\", \"code\"}]}}."
                    + (guarded ? "" : " This relay runs without API_KEYS: it takes events from anyone."),
                version: "1.0.0"),
            servers: [],
            paths: paths,
            components: RelayComponents.make(guarded: guarded, limits: configuration.limits.validation, now: now),
            security: guarded ? [RelayComponents.bearerRequirement] : [])
    }

    /// The document as served: JSON with sorted keys.
    public static func json(configuration: RelayConfiguration, now: Date = Date()) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Typed OpenAPIKit values always encode; an empty body would fail the contract tests.
        return (try? encoder.encode(make(configuration: configuration, now: now))) ?? Data()
    }

    /// Every (method, path) the document describes, with its response statuses.
    public static func operations(in document: OpenAPI.Document) -> [String: Set<Int>] {
        var operations: [String: Set<Int>] = [:]
        for (path, item) in zip(document.paths.keys, document.paths.values) {
            guard let item = item.pathItemValue else { continue }
            for endpoint in item.endpoints {
                let statuses = endpoint.operation.responses.keys.compactMap { Int($0.rawValue) }
                operations["\(endpoint.method.rawValue.uppercased()) \(path.rawValue)"] = Set(statuses)
            }
        }
        return operations
    }

    // MARK: Operations

    /// The statuses every ingest route can answer with, as configured.
    private static func ingestResponses(_ configuration: RelayConfiguration, guarded: Bool, validates: Bool = true)
        -> OpenAPI.Response.Map
    {
        var responses: OpenAPI.Response.Map = [
            202: RelayComponents.reference("Accepted"),
            400: RelayComponents.reference("BadRequest"),
            413: RelayComponents.reference("PayloadTooLarge"),
            415: RelayComponents.reference("UnsupportedMediaType"),
        ]
        if validates {
            responses[422] = RelayComponents.reference("Unprocessable")
            responses[503] = RelayComponents.reference("Unavailable")
        }
        if guarded {
            responses[401] = RelayComponents.reference("Unauthorized")
            responses[403] = RelayComponents.reference("Forbidden")
        }
        if configuration.rateLimit != nil { responses[429] = RelayComponents.reference("RateLimited") }
        return responses
    }

    /// How a client retries safely. Stated in each ingest operation's description rather than as
    /// a header parameter: a fuzzer generating keys reuses the same few strings with different
    /// bodies, which the relay rightly refuses (422), and then reports the operation as
    /// "mostly rejected" although the document and the validator agree.
    static let idempotencyKeyText = " Optional header Idempotency-Key (1 to 255 printable ASCII characters, no spaces, "
        + "quotes or backslashes) names the request: send the same key with every retry. Events without an id "
        + "(all legacy events) then get ids derived from the key, their place and their content, so a retry "
        + "yields the same ids and is counted once. The same key with a different body gets 422 "
        + "idempotency_key_reused; a malformed key 400 invalid_idempotency_key. A 503 for a batch lists the "
        + "events that were stored anyway in error.stored."

    private static func v1Events(_ configuration: RelayConfiguration) -> OpenAPI.Operation {
        // The shared request schemas let `type` out (a type's own route would decide it); on this
        // route each event names its type, so the body requires it.
        let namesType = JSONSchema.object(properties: ["type": .string])
        let single = JSONSchema.one(
            of: EventRegistry.standard.kinds.map {
                .all(of: [.reference(.component(named: "\($0.eventType).request")), namesType])
            })
        let example = EventSchemas.example(for: ClickProperties.self, form: .request)
        return .init(
            summary: "Send one event or a batch (a JSON array); a batch is accepted or refused whole.",
            description: "202 only once the broker acknowledged every event. Invalid events give 422 with every "
                + "problem listed; in a batch, paths start with the element index ([3].properties.buttonId) "
                + "and nothing is produced. The event type comes from each event's type field." + idempotencyKeyText,
            operationId: "postEvents",
            requestBody: .init(
                content: [
                    .json: .content(
                        .init(
                            schema: .one(of: [single, .array(minItems: 1, items: single)]),
                            example: TypedSchema.anyCodable(example)))
                ],
                required: true),
            responses: ingestResponses(configuration, guarded: !configuration.apiKeys.isOpen))
    }

    private static func legacyOperation(_ route: LegacyRoutes.Route, _ configuration: RelayConfiguration)
        -> OpenAPI.Operation
    {
        let guarded = !configuration.apiKeys.isOpen && !configuration.legacyRoutesOpen
        return .init(
            summary: "The reference relay's route for \(route.kind.eventType) events (browser clients).",
            description: "Accepts the reference relay's payload unchanged; the route decides the type and topic "
                + "must be \(route.kind.topicBase). Answers 202 with the assigned id once stored." + idempotencyKeyText,
            operationId: String(route.path.dropFirst()),
            requestBody: .init(
                content: [
                    .json: .content(
                        .init(
                            schema: .reference(.component(named: "\(route.kind.eventType).legacy")),
                            example: TypedSchema.anyCodable(LegacySchema.example(for: route.kind))))
                ],
                required: true),
            responses: ingestResponses(configuration, guarded: guarded),
            // Keys set but LEGACY_ROUTES_OPEN: this route alone needs none. Otherwise it follows
            // the document (a bearer requirement with keys, none without).
            security: configuration.apiKeys.isOpen || guarded ? nil : [])
    }

    private static func noopOperation(_ configuration: RelayConfiguration) -> OpenAPI.Operation {
        .init(
            summary: "Benchmark baseline: reads the body like /v1/events, then answers 202 without parsing or producing.",
            operationId: "postNoop",
            requestBody: .init(content: [.json: .content(.init(schema: .object))], required: true),
            responses: ingestResponses(configuration, guarded: !configuration.apiKeys.isOpen, validates: false))
    }

    private static func preflight(_ path: String) -> OpenAPI.Operation {
        .init(
            summary: "CORS preflight; allowed origins come from CORS_ALLOWED_ORIGINS.",
            operationId: "preflight" + path.split(separator: "/").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
            responses: [
                204: .response(description: "Preflight answer; carries Access-Control-Allow-* headers when the origin is allowed.")
            ],
            security: [])
    }

    private static let schemasOperation = OpenAPI.Operation(
        summary: "The JSON Schemas (draft 2020-12) of every built-in event type, as requests and as stored envelopes, "
            + "and every registered type's current version (as GET /v1/schemas/{type} describes it).",
        operationId: "getSchemas",
        responses: [200: .response(description: "Keyed by event type, then by form (request, envelope).", content: [.json: .content(.init(schema: .object))])],
        security: [])

    private static let openAPIOperation = OpenAPI.Operation(
        summary: "This document.", operationId: "getOpenAPI",
        responses: [200: .response(description: "OpenAPI 3.1", content: [.json: .content(.init(schema: .object))])],
        security: [])

    private static let healthOperation = OpenAPI.Operation(
        summary: "Liveness: the process serves HTTP.", operationId: "getHealth",
        responses: [200: RelayComponents.reference("Status")], security: [])

    private static let readyOperation = OpenAPI.Operation(
        summary: "Readiness: the Kafka cluster answers a metadata request within 2 s.", operationId: "getReady",
        responses: [200: RelayComponents.reference("Status"), 503: RelayComponents.reference("Status")], security: [])

    private static let metricsOperation = OpenAPI.Operation(
        summary: "Prometheus metrics (text exposition format 0.0.4).", operationId: "getMetrics",
        responses: [200: .response(description: "Metrics", content: [.txt: .content(.init(schema: .string))])], security: [])
}
