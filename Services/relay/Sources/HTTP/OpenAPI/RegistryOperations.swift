import EDMEvents
import OpenAPIKit

/// The schema registry's operations in the OpenAPI document (see ``SchemaRoutes``).
enum RegistryOperations {
    static func paths() -> OpenAPI.PathItem.Map {
        [
            "/v1/schemas/{type}": .pathItem(.init(parameters: [.parameter(typeParameter)], get: getType, post: register)),
            "/v1/schemas/{type}/versions/{version}": .pathItem(
                .init(parameters: [.parameter(typeParameter), .parameter(versionParameter)], get: getVersion)),
        ]
    }

    static let typeParameter = OpenAPI.Parameter.path(
        name: "type", schema: .string(minLength: 1, maxLength: 64),
        description: "The event type: a lowercase letter, then lowercase letters, digits, _ or - (at most 64).")

    static let versionParameter = OpenAPI.Parameter.path(
        name: "version", schema: .integer(minimum: (1, exclusive: false)), description: "A version number, from 1.")

    /// A node of the registry's JSON Schema subset (kept loose here: the relay checks it and
    /// answers 400 with the path of anything outside the subset).
    static let subsetSchema = JSONSchema.object(description: "A JSON Schema of the documented subset (type object at the root).")

    static let registrationSchema = JSONSchema.object(
        properties: [
            "schema": subsetSchema,
            "owner": .string(minLength: 1, maxLength: 200),
            "description": .string(minLength: 1, maxLength: 2000),
            "keyField": .string(required: false, description: "A top-level string property: the Kafka message key."),
            "countBy": .array(required: false, description: "Top-level properties stats counts by.", items: .string),
            "partitions": .integer(required: false, maximum: (1000, exclusive: false), minimum: (1, exclusive: false)),
        ],
        additionalProperties: .init(false))

    static let typeSchema = JSONSchema.object(
        properties: [
            "type": .string, "version": .integer, "schema": .object, "owner": .string, "description": .string,
            "keyField": .string(required: false), "countBy": .array(items: .string), "partitions": .integer,
            "registeredAt": .string(format: .dateTime), "status": .string(allowedValues: ["active", "pending"]),
            "topic": .string,
            "createTopicCommand": .string(required: false, description: "Only while pending: the command that creates the topic."),
            "created": .boolean(required: false), "versions": .array(required: false, items: .integer),
        ])

    private static func answer(_ description: String) -> Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> {
        .response(.init(description: description, content: [.json: .content(.init(schema: typeSchema))]))
    }

    static let register = OpenAPI.Operation(
        summary: "Register a new event type, or a new backward-compatible version of one (admin key).",
        description: "Needs Authorization: Bearer <one of ADMIN_API_KEYS> (401 without, 403 with another key or when "
            + "none is set). 400 names the JSON path of anything outside the schema subset; 409 for a built-in type or "
            + "a version that is not backward compatible (details name each field and why). The type's topic is "
            + "created when the cluster allows it; otherwise the type is pending and the answer gives the command.",
        operationId: "registerSchema",
        requestBody: .init(content: [.json: .content(.init(schema: registrationSchema))], required: true),
        responses: [
            201: answer("The new version, stored in the registry topic."),
            200: answer("The same registration as the current version: nothing changed."),
            400: RelayComponents.reference("BadRequest"),
            401: RelayComponents.reference("Unauthorized"),
            403: RelayComponents.reference("Forbidden"),
            409: RelayComponents.reference("Conflict"),
            413: RelayComponents.reference("PayloadTooLarge"),
            415: RelayComponents.reference("UnsupportedMediaType"),
            503: RelayComponents.reference("Unavailable"),
        ],
        security: [])

    static let getType = OpenAPI.Operation(
        summary: "A registered type's current version, its status and the list of its versions.",
        operationId: "getSchema",
        responses: [200: answer("The current version."), 404: RelayComponents.reference("NotFound")],
        security: [])

    static let getVersion = OpenAPI.Operation(
        summary: "One version of a registered type.",
        operationId: "getSchemaVersion",
        responses: [
            200: answer("That version."), 400: RelayComponents.reference("BadRequest"), 404: RelayComponents.reference("NotFound"),
        ],
        security: [])
}
