import EDMEvents
import EDMRegistry
import EDMHTTP
import Foundation
import Hummingbird

/// The schema registry's routes: `POST /v1/schemas/{type}` (admin key), `GET /v1/schemas/{type}`
/// and `GET /v1/schemas/{type}/versions/{n}`. `GET /v1/schemas` itself lives in
/// ``DocumentationRoutes`` and lists registered types beside the built-in ones.
struct SchemaRoutes: Sendable {
    static let path = "/v1/schemas"

    let registration: SchemaRegistration
    let registry: SchemaRegistry
    let adminKeys: BearerTokens
    let reader: RequestBodyReader

    func add(to router: Router<RelayRequestContext>) {
        router.post("/v1/schemas/{type}") { request, context in
            try authorize(request)
            let name = try context.parameters.require("type")
            let body = try await reader.read(request)
            let outcome = try await registration.register(name, body: body)
            var document = Self.describe(outcome.type, ready: outcome.ready)
            if case .object(var members) = document {
                members["created"] = .bool(outcome.created)
                document = .object(members)
            }
            return Self.json(document, status: outcome.created ? .created : .ok)
        }
        router.get("/v1/schemas/{type}") { _, context in
            let name = try context.parameters.require("type")
            guard let entry = registry.entry(named: name) else { throw Self.unknown(name) }
            var document = Self.describe(entry.current.type, ready: entry.topicReady)
            if case .object(var members) = document {
                members["versions"] = .array(entry.versions.map { .integer(Int64($0.version)) })
                document = .object(members)
            }
            return Self.json(document, status: .ok)
        }
        router.get("/v1/schemas/{type}/versions/{version}") { _, context in
            let name = try context.parameters.require("type")
            let text = try context.parameters.require("version")
            guard let number = Int(text), number >= 1 else {
                throw APIError.badRequest("version must be a positive integer, got \(JSONValue.string(text))")
            }
            guard let entry = registry.entry(named: name) else { throw Self.unknown(name) }
            guard let type = entry.versions.first(where: { $0.version == number }) else {
                throw APIError.notFound("\(name) has no version \(number); its versions are 1 to \(entry.current.type.version)")
            }
            return Self.json(Self.describe(type, ready: entry.topicReady), status: .ok)
        }
    }

    /// 401 without a bearer key, 403 with a key that is not in `ADMIN_API_KEYS` (or when none is
    /// set: registration is then disabled).
    private func authorize(_ request: Request) throws(APIError) {
        guard let presented = BearerAuthMiddleware<RelayRequestContext>.token(in: request, allowQuery: false) else {
            throw APIError(
                .unauthorized, code: "unauthorized", message: "registering a type needs an admin key: send Authorization: Bearer <key>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard !adminKeys.isOpen else {
            throw APIError(.forbidden, code: "registration_disabled", message: "no ADMIN_API_KEYS are set: registration is disabled")
        }
        guard adminKeys.accepts(presented) else {
            throw APIError(.forbidden, code: "forbidden", message: "the key is not an admin key (ADMIN_API_KEYS)")
        }
    }

    /// One version with its status: `active`, or `pending` with the command creating its topic.
    static func describe(_ type: RegisteredType, ready: Bool) -> JSONValue {
        guard case .object(var members) = type.jsonValue else { return type.jsonValue }
        members["status"] = .string(ready ? "active" : "pending")
        members["topic"] = .string(type.topicBase)
        if !ready { members["createTopicCommand"] = .string(TopicProvisioner.createCommand(for: type)) }
        return .object(members)
    }

    static func unknown(_ name: String) -> APIError {
        APIError.notFound("no registered type \(JSONValue.string(name)) (built-in types are listed by GET /v1/schemas)")
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.serializedBytes())))
    }
}
