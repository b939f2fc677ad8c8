import EDMEvents
import Hummingbird

/// `GET /v1/schemas` and `GET /openapi.json`, rendered once at start-up.
struct DocumentationRoutes: Sendable {
    let openAPI: ByteBuffer
    let schemas: ByteBuffer

    init(configuration: RelayConfiguration) {
        openAPI = ByteBuffer(bytes: OpenAPIDocument.json(configuration: configuration))
        schemas = ByteBuffer(bytes: Self.schemaDocument.serialized())
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
        router.get("/openapi.json") { [openAPI] _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: openAPI))
        }
        router.get("/v1/schemas") { [schemas] _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: schemas))
        }
    }
}
