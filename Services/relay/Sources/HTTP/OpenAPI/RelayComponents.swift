import EDMEvents
import EDMStatsAPI
import Foundation
import OpenAPIKit

/// The reusable parts of the relay's OpenAPI document: event schemas (converted from the shared
/// rules), the error and accepted documents, the error responses and, only when API keys are
/// configured, the bearer scheme.
enum RelayComponents {
    static let bearerScheme = "apiKey"

    static var bearerRequirement: OpenAPI.SecurityRequirement {
        [JSONReference<OpenAPI.SecurityScheme>.component(named: bearerScheme): []]
    }

    static func make(guarded: Bool, limits: ValidationLimits, now: Date) -> OpenAPI.Components {
        var securitySchemes: OpenAPI.ComponentReferenceDictionary<OpenAPI.SecurityScheme> = [:]
        if guarded {
            securitySchemes[.init(stringLiteral: bearerScheme)] = .securityScheme(
                .http(scheme: "bearer", description: "One of API_KEYS."))
        }
        return .init(
            schemas: schemas(limits: limits, now: now).schemas, responses: responses, securitySchemes: securitySchemes)
    }

    /// The component schemas, and the keywords of the shared event schemas that could not be
    /// converted (none, or the contract test fails).
    static func schemas(limits: ValidationLimits = .default, now: Date = Date())
        -> (schemas: OpenAPI.ComponentDictionary<JSONSchema>, unknownKeywords: [String])
    {
        var converter = TypedSchema()
        var schemas: OpenAPI.ComponentDictionary<JSONSchema> = [
            .init(stringLiteral: ErrorDocument.schemaName): ErrorDocument.schema,
            "Accepted": .object(properties: [
                "accepted": .integer(description: "Events stored (acknowledged by the broker)."),
                "ids": .array(items: .string(format: .uuid)),
            ]),
            .init(stringLiteral: StatusDocument.schemaName): StatusDocument.schema,
        ]
        for kind in EventRegistry.standard.kinds {
            for form in EventForm.allCases {
                let name = "\(kind.eventType).\(form.rawValue)"
                schemas[.init(stringLiteral: name)] = converter.convert(
                    EventSchemas.document(for: kind, form: form), at: name)
            }
            let legacy = "\(kind.eventType).legacy"
            schemas[.init(stringLiteral: legacy)] = converter.convert(
                LegacySchema.document(for: kind, limits: limits, now: now), at: legacy)
        }
        return (schemas, converter.unknownKeywords)
    }

    static func reference(_ response: String) -> Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> {
        .reference(.component(named: response))
    }

    private static var responses: OpenAPI.ComponentReferenceDictionary<OpenAPI.Response> {
        [
            "Accepted": .response(
                .init(
                    description: "Every event was acknowledged by the broker.",
                    content: [.json: .content(.init(schema: .reference(.component(named: "Accepted"))))])),
            "Status": .response(
                .init(description: "Status document.", content: [.json: .content(.init(schema: .reference(.component(named: "Status"))))])),
            "BadRequest": error(
                "Malformed JSON (code malformed_json; the message names the byte offset) or a bad Content-Length."),
            "Unauthorized": error("No Authorization: Bearer key sent."),
            "Forbidden": error("The key is not one of API_KEYS."),
            "PayloadTooLarge": error("Body over MAX_BODY_BYTES, or a batch over MAX_BATCH_EVENTS."),
            "UnsupportedMediaType": error("Content-Type is not application/json."),
            "Conflict": error("A built-in type, or a version that is not backward compatible (details name each field)."),
            "NotFound": error("No such registered type or version."),
            "Unprocessable": error("Schema violations, every one listed in details with its path."),
            "RateLimited": error(
                "Over RATE_LIMIT_PER_MINUTE for this key or address; see Retry-After.", retryAfter: true),
            "Unavailable": error(
                "The broker did not acknowledge every event in time (codes timeout, queue_full, broker_error, "
                    + "shutting_down); nothing is promised stored. Retry after Retry-After seconds.",
                retryAfter: true),
        ]
    }

    private static func error(_ description: String, retryAfter: Bool = false)
        -> Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response>
    {
        .response(
            .init(
                description: description,
                headers: retryAfter
                    ? ["Retry-After": .header(.init(schema: .integer(description: "Seconds to wait.")))] : nil,
                content: [.json: .content(.init(schema: .reference(.component(named: "Error"))))]))
    }
}
