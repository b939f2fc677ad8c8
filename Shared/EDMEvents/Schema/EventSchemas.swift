import Foundation

/// JSON Schema (draft 2020-12) documents for every event type, generated from the rules the
/// relay validates with, for API docs, client-side validation and contract tests.
///
/// Two forms per type: ``EventForm/request`` (what v1 clients POST) and ``EventForm/envelope``
/// (what is on Kafka). A document valid under our validator is valid under the schema and vice
/// versa, except for rules JSON Schema cannot express, which the relay adds:
/// - the time window (`occurredAt` not before 2000-01-01, not more than the skew after
///   `receivedAt`; stated in the descriptions and as `x-edm-timeWindow`);
/// - calendar validity of timestamps (the pattern allows `2024-02-30`; `format: date-time`
///   only catches it where the validator asserts formats);
/// - duplicate keys in the JSON text (rejected by our parser).
public enum EventSchemas {
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"

    /// The schema of `kind` in `form`, as a JSON tree.
    public static func document(for kind: any EventProperties.Type, form: EventForm = .envelope) -> JSONValue {
        var schema = SchemaBuilder.objectSchema(EventEnvelope.fieldRules(for: kind), form: form)
        schema["$schema"] = .string(dialect)
        schema["$id"] = .string("urn:edm-swift:schema:\(kind.eventType):\(form.rawValue):v\(EventEnvelope.currentSchemaVersion)")
        schema["title"] = .string("\(kind.eventType) event (\(form == .request ? "v1 request" : "envelope"))")
        schema["description"] = .string(
            kind.summary
                + (form == .request
                    ? " Body of a v1 request to the relay; it sets receivedAt, source and derived fields."
                    : " As written to Kafka by the relay, keyed by sessionId."))
        schema["x-edm-eventType"] = .string(kind.eventType)
        schema["x-edm-topic"] = .string(kind.topicBase)
        schema["x-edm-timeWindow"] =
            "occurredAt >= 2000-01-01T00:00:00Z and occurredAt <= receivedAt + maxFutureSkew (default 86400 s)"
        schema["examples"] = [example(for: kind, form: form)]
        return .object(schema)
    }

    /// The schema as canonical JSON bytes (`pretty` for files meant to be read).
    public static func data(for kind: any EventProperties.Type, form: EventForm = .envelope, pretty: Bool = false) -> Data {
        document(for: kind, form: form).serialized(pretty: pretty)
    }

    /// Every schema of `registry`, keyed by file name (`click.envelope.schema.json`).
    public static func all(registry: EventRegistry = .standard) -> [String: JSONValue] {
        var documents: [String: JSONValue] = [:]
        for kind in registry.kinds {
            for form in EventForm.allCases {
                documents["\(kind.eventType).\(form.rawValue).schema.json"] = document(for: kind, form: form)
            }
        }
        return documents
    }

    /// A valid document built from `kind.example`: an envelope, or the request that produces it.
    public static func example(for kind: any EventProperties.Type, form: EventForm) -> JSONValue {
        let envelope = exampleEnvelope(for: kind)
        guard form == .request, var members = envelope.jsonValue.objectValue else { return envelope.jsonValue }
        // A request is the envelope without what the relay adds.
        let rules = EventEnvelope.fieldRules(for: kind)
        for rule in rules where rule.request == .forbidden { members[rule.name] = nil }
        if var properties = members["properties"]?.objectValue {
            for rule in kind.fieldRules where rule.request == .forbidden { properties[rule.name] = nil }
            members["properties"] = .object(properties)
        }
        return .object(members)
    }

    static func exampleEnvelope(for kind: any EventProperties.Type) -> EventEnvelope {
        EventEnvelope(
            schemaVersion: EventEnvelope.currentSchemaVersion,
            id: UUID(uuidString: "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f") ?? UUID(),
            occurredAt: Date(timeIntervalSince1970: 1_714_564_800.123),
            receivedAt: Date(timeIntervalSince1970: 1_714_564_800.456),
            sessionId: "b7e0c7a0-07a8-11ef-9a3e-0242ac120002", source: .v1, anyProperties: kind.example,
            extras: .none)
    }
}
