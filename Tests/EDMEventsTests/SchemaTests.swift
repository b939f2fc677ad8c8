import EDMEvents
import Foundation
import Testing

/// The generated schemas must describe exactly what the Swift types write.
@Suite("JSON Schema documents")
struct SchemaTests {
    static let kindNames = EventRegistry.standard.typeNames

    static func kind(_ name: String) -> any EventProperties.Type {
        EventRegistry.standard.kind(named: name)!
    }

    /// An envelope with every optional field populated, extras included.
    static func fullEnvelope(_ name: String) throws -> JSONValue {
        let kind = kind(name)
        var members = try #require(EventSchemas.example(for: kind, form: .envelope).objectValue)
        members["source"] = "legacy"
        members["extras"] = ["topLevel": ["client": "x"], "properties": ["color": "red"]]
        let value = JSONValue.object(members)
        // Proves it is an envelope the Swift types accept and write back identically.
        #expect(try EventEnvelope.decode(value).jsonValue == value)
        return value
    }

    func schemaProperties(_ schema: JSONValue?) -> Set<String> {
        Set(schema?["properties"]?.objectValue?.keys ?? [:].keys)
    }

    func required(_ schema: JSONValue?) -> Set<String> {
        Set(schema?["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    @Test("a fully populated envelope has exactly the schema's properties, at every level", arguments: kindNames)
    func envelopeShape(name: String) throws {
        let schema = EventSchemas.document(for: Self.kind(name), form: .envelope)
        let event = try Self.fullEnvelope(name)
        func compare(_ value: JSONValue?, _ schema: JSONValue?, _ path: String) {
            let keys = Set(value?.objectValue?.keys ?? [:].keys)
            #expect(keys == schemaProperties(schema), "keys at \(path)")
            #expect(required(schema).isSubset(of: keys), "required at \(path)")
            #expect(schema?["additionalProperties"] == false, "closed object at \(path)")
        }
        compare(event, schema, "root")
        compare(event["properties"], schema["properties"]?["properties"], "properties")
        compare(event["extras"], schema["properties"]?["extras"], "extras")
        #expect(required(schema) == ["schemaVersion", "id", "type", "occurredAt", "receivedAt", "sessionId", "source", "properties"])
    }

    @Test("a request carries exactly the request schema's properties", arguments: kindNames)
    func requestShape(name: String) {
        let kind = Self.kind(name)
        let schema = EventSchemas.document(for: kind, form: .request)
        let request = EventSchemas.example(for: kind, form: .request)
        #expect(Set(request.objectValue?.keys ?? [:].keys) == schemaProperties(schema))
        #expect(Set(request["properties"]?.objectValue?.keys ?? [:].keys) == schemaProperties(schema["properties"]?["properties"]))
        #expect(required(schema) == ["occurredAt", "sessionId", "properties"])
        for relayField in ["receivedAt", "source", "extras"] {
            #expect(schema["properties"]?[relayField] == nil)
        }
        #expect(schema["properties"]?["type"]?["const"] == .string(kind.eventType))
    }

    @Test("enums in the schema are the Swift enums' cases")
    func enums() {
        let pageLoad = EventSchemas.document(for: PageLoadProperties.self)
        #expect(pageLoad["properties"]?["properties"]?["properties"]?["deviceType"]?["enum"] == .array(DeviceType.allCases.map { .string($0.rawValue) }))
        #expect(pageLoad["properties"]?["source"]?["enum"] == .array(EventSource.allCases.map { .string($0.rawValue) }))
        #expect(pageLoad["properties"]?["type"]?["const"] == "pageload")
        #expect(pageLoad["properties"]?["schemaVersion"] == [
            "type": "integer", "minimum": 1, "maximum": 1,
            "description": "Envelope format version; clients may omit it.",
        ])
    }

    @Test("documented limits appear as schema keywords")
    func limits() {
        let click = EventSchemas.document(for: ClickProperties.self)
        let buttonId = click["properties"]?["properties"]?["properties"]?["buttonId"]
        #expect(buttonId?["minLength"] == 1)
        #expect(buttonId?["maxLength"] == 200)
        #expect(buttonId?["x-edm-legacyName"] == "button_id")
        #expect(buttonId?["not"] == ["pattern": "[\\u0000-\\u001f\\u007f]"])
        #expect(click["properties"]?["sessionId"]?["maxLength"] == 128)
        #expect(click["properties"]?["id"]?["format"] == "uuid")
        #expect(click["properties"]?["occurredAt"]?["format"] == "date-time")
        let pageLoad = EventSchemas.document(for: PageLoadProperties.self)
        #expect(pageLoad["properties"]?["properties"]?["properties"]?["url"]?["maxLength"] == 2048)
        #expect(pageLoad["properties"]?["properties"]?["properties"]?["userAgent"]?["maxLength"] == 1024)
        #expect(pageLoad["properties"]?["properties"]?["properties"]?["userAgent"]?["minLength"] == nil)
    }

    @Test("document metadata")
    func metadata() throws {
        let schema = EventSchemas.document(for: ClickProperties.self, form: .request)
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["$id"] == "urn:edm-swift:schema:click:request:v1")
        #expect(schema["x-edm-topic"] == "edm-ui-click")
        #expect(schema["examples"]?.arrayValue?.count == 1)
        #expect(
            Set(EventSchemas.all().keys)
                == Set(Self.kindNames.flatMap { ["\($0).request.schema.json", "\($0).envelope.schema.json"] }))
        #expect(EventSchemas.all().keys.contains("pageload.envelope.schema.json"))
        #expect(try JSONValue.parse(EventSchemas.data(for: ClickProperties.self, pretty: true)) == EventSchemas.document(for: ClickProperties.self))
    }
}
