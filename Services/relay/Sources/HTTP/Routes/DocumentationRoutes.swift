import EDMEvents
import Foundation
import Hummingbird

/// `GET /v1/schemas` (rendered once at start-up) and `GET /openapi.json` (rendered per request:
/// the legacy schemas' time window follows the clock).
struct DocumentationRoutes: Sendable {
    let configuration: RelayConfiguration
    let schemas: ByteBuffer

    init(configuration: RelayConfiguration) {
        self.configuration = configuration
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
        router.get("/openapi.json") { [configuration] _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json(configuration: configuration))))
        }
        router.get("/v1/schemas") { [schemas] _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: schemas))
        }
    }
}
