import EDMEvents
import EDMRegistry
import Foundation
import Hummingbird

/// `GET /v1/schemas` (rendered once at start-up) and `GET /openapi.json` (rendered per request:
/// the legacy schemas' time window follows the clock).
struct DocumentationRoutes: Sendable {
    let configuration: RelayConfiguration
    let schemas: ByteBuffer
    /// Registered types, listed after the built-in ones (nil: none).
    let registry: SchemaRegistry?

    init(configuration: RelayConfiguration, registry: SchemaRegistry? = nil) {
        self.configuration = configuration
        self.registry = registry
        schemas = ByteBuffer(bytes: Self.schemaDocument.serialized())
    }

    /// The built-in document plus one member per registered type: its current version as
    /// `GET /v1/schemas/{type}` describes it (`schema`, `version`, `status`, ...), so the
    /// built-in members keep their `request`/`envelope` shape.
    func document() -> ByteBuffer {
        guard let registry, case .object(var byType) = Self.schemaDocument else { return schemas }
        let registered = registry.all
        guard !registered.isEmpty else { return schemas }
        for (name, entry) in registered {
            byType[name] = SchemaRoutes.describe(entry.current.type, ready: entry.topicReady)
        }
        return ByteBuffer(bytes: JSONValue.object(byType).serialized())
    }

    /// `{"click": {"request": {...}, "envelope": {...}}, ...}`.
    static var schemaDocument: JSONValue {
        var byType: [String: JSONValue] = [:]
        for kind in EventRegistry.standard.kinds {
            var forms: [String: JSONValue] = [:]
            for form in EventForm.allCases {
                forms[form.rawValue] = EventSchemas.document(for: kind, form: form)
            }
            byType[kind.eventType] = .object(forms)
        }
        return .object(byType)
    }

    func add(to router: Router<RelayRequestContext>) {
        router.get("/openapi.json") { [configuration] _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json(configuration: configuration))))
        }
        router.get("/v1/schemas") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: document()))
        }
    }
}
