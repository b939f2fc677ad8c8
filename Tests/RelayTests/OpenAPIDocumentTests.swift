import EDMEvents
import EDMHTTP
import EDMKafka
import Foundation
import OpenAPIKit
import Testing

@testable import RelayService

/// The document states what the running relay enforces, and embeds the shared event schemas
/// unchanged (they are what the validator checks).
@Suite("OpenAPI document content")
struct OpenAPIDocumentTests {
    /// 2024-05-01T12:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_714_564_800)

    static func document(_ configure: (inout RelayConfiguration) -> Void = { _ in }) throws -> JSONValue {
        var configuration = try RelayConfiguration(kafka: KafkaConnection(bootstrapServers: ["127.0.0.1:9"]))
        configure(&configuration)
        return try JSONValue.parse(OpenAPIDocument.json(configuration: configuration, now: now))
    }

    @Test("without API_KEYS nothing requires credentials and no scheme is declared")
    func openRelay() throws {
        let document = try Self.document()
        #expect(document["openapi"]?.stringValue?.hasPrefix("3.1.") == true)
        #expect((document["security"]?.arrayValue ?? []).count == 0)
        #expect(document["components"]?["securitySchemes"] == nil)
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for (method, operation) in item.objectValue ?? [:] {
                #expect((operation["security"]?.arrayValue ?? []).count == 0, "\(method) \(path)")
                // Registering a type always needs one of ADMIN_API_KEYS, whatever API_KEYS says.
                if method == "post", path == "/v1/schemas/{type}" {
                    #expect(operation["responses"]?["401"] != nil)
                    continue
                }
                #expect(operation["responses"]?["401"] == nil, "\(method) \(path)")
            }
        }
    }

    @Test("with API_KEYS the event routes require the bearer scheme; probes and open legacy routes do not")
    func guardedRelay() throws {
        let document = try Self.document {
            $0.apiKeys = BearerTokens(["k"])
            $0.legacyRoutesOpen = true
        }
        #expect(document["security"] == [["apiKey": []]])
        #expect(document["components"]?["securitySchemes"]?["apiKey"]?["scheme"] == "bearer")
        let paths = document["paths"]
        #expect(paths?["/v1/events"]?["post"]?["security"] == nil, "inherits the document's requirement")
        #expect(paths?["/v1/events"]?["post"]?["responses"]?["401"] != nil)
        #expect(paths?["/produceClickMessage"]?["post"]?["security"] == [])
        #expect(paths?["/produceClickMessage"]?["post"]?["responses"]?["401"] == nil)
        #expect(paths?["/health"]?["get"]?["security"] == [])
        let closed = try Self.document { $0.apiKeys = BearerTokens(["k"]) }
        #expect(closed["paths"]?["/produceClickMessage"]?["post"]?["security"] == nil)
        #expect(closed["paths"]?["/produceClickMessage"]?["post"]?["responses"]?["403"] != nil)
    }

    @Test("every ingest route documents Idempotency-Key, its 400 and 422, and the stored list of a 503")
    func idempotencyDocumented() throws {
        let document = try Self.document()
        for path in ["/v1/events", "/produceClickMessage", "/producePageLoad"] {
            let operation = try #require(document["paths"]?[path]?["post"])
            let description = operation["description"]?.stringValue ?? ""
            #expect(description.contains("Idempotency-Key"), "\(path)")
            #expect(description.contains("idempotency_key_reused") && description.contains("invalid_idempotency_key"))
            #expect(operation["responses"]?["400"] != nil && operation["responses"]?["422"] != nil)
        }
        #expect(document["components"]?["schemas"]?["Error"]?["properties"]?["error"]?["properties"]?["stored"] != nil)
    }

    @Test("on /v1/events every event must name its type, as the parser requires")
    func v1EventsRequireType() throws {
        let body = try #require(
            try Self.document()["paths"]?["/v1/events"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"])
        let single = try #require(body["oneOf"]?.arrayValue?.first)
        for choice in single["oneOf"]?.arrayValue ?? [] {
            #expect(choice["allOf"]?.arrayValue?.contains { $0["required"] == ["type"] } == true, "\(choice)")
        }
        #expect(single["oneOf"]?.arrayValue?.count == EventRegistry.standard.kinds.count)
    }

    @Test("every keyword of the shared event schemas converts")
    func conversionIsComplete() {
        #expect(RelayComponents.schemas().unknownKeywords == [])
    }

    @Test("the embedded event schemas are the shared ones, keyword for keyword", arguments: EventForm.allCases)
    func eventSchemasAreEmbedded(form: EventForm) throws {
        let document = try Self.document()
        for kind in EventRegistry.standard.kinds {
            let embedded = try #require(document["components"]?["schemas"]?["\(kind.eventType).\(form.rawValue)"])
            let shared = EventSchemas.document(for: kind, form: form)
            #expect(Self.normalized(Self.unsplit(embedded)) == Self.normalized(shared, dropIdentity: true), "\(kind.eventType)")
        }
        let legacy = try #require(document["components"]?["schemas"]?["click.legacy"])
        #expect(Self.normalized(Self.unsplit(legacy)) == Self.normalized(LegacySchema.document(for: ClickProperties.self, now: Self.now)))
    }

    @Test("a legacy event_timestamp number is bounded by the validator's window, never more strictly")
    func legacyTimeWindow() throws {
        let number = try #require(LegacySchema.document(for: ClickProperties.self, now: Self.now)["properties"]?["event_timestamp"]?["oneOf"]?.arrayValue?.first)
        #expect(number["minimum"] == .integer(946_684_800_000))
        let latest = try #require(number["maximum"]?.int64Value)
        let skewEnd = EventTimestamp.milliseconds(from: Self.now.addingTimeInterval(ValidationLimits.default.maxFutureSkew))
        #expect(latest >= skewEnd + 3_600_000 && latest <= skewEnd + 7_200_000)
        #expect(latest % 3_600_000 == 0)
    }

    /// Undoes the one reshaping the conversion does: `allOf: [A, {not: N}]` back to `A + not: N`.
    static func unsplit(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(var members):
            if let parts = members["allOf"]?.arrayValue, parts.count == 2, var base = parts[0].objectValue,
                let negated = parts[1]["not"]
            {
                members["allOf"] = nil
                base["not"] = negated
                for (key, member) in members { base[key] = member }
                members = base
            }
            return .object(members.mapValues(unsplit))
        case .array(let elements):
            return .array(elements.map(unsplit))
        default:
            return value
        }
    }

    /// Sorted `required`, no empty `required`, no `type` inside `not` (implied there), and
    /// without `$schema`/`$id` when `dropIdentity`.
    static func normalized(_ value: JSONValue, dropIdentity: Bool = false) -> JSONValue {
        switch value {
        case .object(var members):
            if dropIdentity {
                members["$schema"] = nil
                members["$id"] = nil
            }
            if let required = members["required"]?.arrayValue {
                members["required"] = required.isEmpty ? nil : .array(required.sorted { $0.description < $1.description })
            }
            if var negated = members["not"]?.objectValue {
                negated["type"] = nil
                members["not"] = .object(negated)
            }
            return .object(members.mapValues { normalized($0) })
        case .array(let elements):
            return .array(elements.map { normalized($0) })
        default:
            return value
        }
    }
}
