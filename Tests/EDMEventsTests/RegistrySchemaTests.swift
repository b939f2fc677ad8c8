@testable import EDMEvents
import Foundation
import Testing

/// The registry's schema subset: parsing with precise error paths, the compatibility rules
/// between versions, and the compiled validator's violations (the built-in 422 shape).
@Suite("Registered schemas")
struct RegistrySchemaTests {
    static let signup: JSONValue = [
        "schema": [
            "type": "object",
            "properties": [
                "accountId": ["type": "string", "format": "uuid"],
                "plan": ["enum": ["free", "pro", "team"]],
                "email": ["type": "string", "format": "email", "maxLength": 200],
                "seats": ["type": "integer", "minimum": 1, "maximum": 500],
                "amount": ["type": "number", "minimum": 0],
                "trial": ["type": "boolean"],
                "homepage": ["type": "string", "format": "uri"],
                "startedAt": ["type": "string", "format": "date-time"],
                "address": [
                    "type": "object",
                    "properties": ["city": ["type": "string", "minLength": 1], "zip": ["type": "string"]],
                    "required": ["city"],
                ],
                "tags": ["type": "array", "items": ["type": "string", "maxLength": 5], "maxItems": 2],
            ],
            "required": ["accountId", "plan"],
        ],
        "owner": "growth",
        "description": "A visitor created an account.",
        "keyField": "accountId",
        "countBy": ["plan", "trial"],
    ]

    static func registered(_ body: JSONValue = signup, version: Int = 1) throws -> RegisteredType {
        let registration = try TypeRegistration.parse(body, name: "signup", defaultPartitions: 4)
        return RegisteredType(
            name: "signup", version: version, schema: registration.schema, owner: registration.owner,
            description: registration.description, keyField: registration.keyField, countBy: registration.countBy,
            partitions: registration.partitions ?? 4, registeredAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    static func replacing(_ path: [String], with value: JSONValue?, in body: JSONValue = signup) -> JSONValue {
        guard let head = path.first, case .object(var members) = body else { return value ?? .null }
        if path.count == 1 {
            members[head] = value
        } else {
            members[head] = replacing(Array(path.dropFirst()), with: value, in: members[head] ?? [:])
        }
        return .object(members)
    }

    func schemaError(_ body: JSONValue) -> SchemaError? {
        do {
            _ = try TypeRegistration.parse(body, name: "signup", defaultPartitions: 4)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Parsing

    @Test func parsesTheSubsetAndRoundTripsThroughTheRecord() throws {
        let type = try Self.registered()
        #expect(type.schema.properties.count == 10)
        #expect(type.schema.required == ["accountId", "plan"])
        #expect(type.keyField == "accountId")
        #expect(type.countBy == ["plan", "trial"])
        #expect(RegisteredType.fromRecord(type.jsonValue) == type)
    }

    @Test(arguments: [
        (["schema", "properties", "plan", "enum"], JSONValue.array([1, 2]), "schema.properties.plan.enum[0]"),
        (["schema", "properties", "seats", "pattern"], "^a", "schema.properties.seats.pattern"),
        (["schema", "properties", "email", "format"], "hostname", "schema.properties.email.format"),
        (["schema", "properties", "tags", "maxItems"], -1, "schema.properties.tags.maxItems"),
        (["schema", "properties", "address", "type"], "map", "schema.properties.address.type"),
        (["schema", "additionalProperties"], ["type": "string"], "schema.additionalProperties"),
        (["schema", "required"], ["nope"], "schema.required[0]"),
        (["keyField"], "seats", "keyField"),
        (["countBy"], ["amount"], "countBy[0]"),
        (["owner"], nil, "owner"),
        (["schema", "type"], "string", "schema.type"),
    ] as [([String], JSONValue?, String)])
    func refusesWhatIsOutsideTheSubsetNamingThePath(path: [String], value: JSONValue?, expected: String) {
        let error = schemaError(Self.replacing(path, with: value))
        #expect(error?.path == expected, "\(String(describing: error))")
    }

    @Test func typeNamesAreChecked() {
        #expect(TypeRegistration.nameProblem("signup") == nil)
        #expect(TypeRegistration.nameProblem("order_paid-2") == nil)
        #expect(TypeRegistration.nameProblem("Signup") != nil)
        #expect(TypeRegistration.nameProblem("") != nil)
        #expect(TypeRegistration.nameProblem("a b") != nil)
    }

    // MARK: Compatibility

    func problems(_ change: JSONValue) throws -> [SchemaCompatibility.Incompatibility] {
        let old = try Self.registered()
        let new = try TypeRegistration.parse(change, name: "signup", defaultPartitions: 4)
        return SchemaCompatibility.problems(from: old, to: new)
    }

    @Test func aNewOptionalFieldAndWiderBoundsAreCompatible() throws {
        var body = Self.replacing(["schema", "properties", "referrer"], with: ["type": "string"])
        body = Self.replacing(["schema", "properties", "plan", "enum"], with: ["free", "pro", "team", "enterprise"], in: body)
        body = Self.replacing(["schema", "properties", "seats", "maximum"], with: 1000, in: body)
        #expect(try problems(body).isEmpty)
    }

    @Test(arguments: [
        (["schema", "properties", "trial"], nil, "properties.trial", "removed"),
        (["schema", "required"], ["accountId", "plan", "email"], "properties.email", "became required"),
        (["schema", "properties", "seats"], ["type": "string"], "properties.seats", "type changed"),
        (["schema", "properties", "plan", "enum"], ["free", "pro"], "properties.plan", "\"team\""),
        (["schema", "properties", "email", "maxLength"], 100, "properties.email", "maxLength lowered"),
        (["schema", "properties", "address", "properties", "city"], ["type": "integer"], "properties.address.city", "type changed"),
        (["schema", "properties", "tags", "items", "maxLength"], 3, "properties.tags[]", "maxLength lowered"),
        (["keyField"], nil, "keyField", "cannot change"),
    ] as [([String], JSONValue?, String, String)])
    func incompatibleChangesNameTheField(path: [String], value: JSONValue?, field: String, reason: String) throws {
        var body = Self.replacing(path, with: value)
        if path == ["schema", "properties", "trial"] {
            body = Self.replacing(["countBy"], with: ["plan"], in: body)
        }
        let found = try problems(body)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.path == field)
        #expect(found.first?.reason.contains(reason) == true, "\(found)")
    }

    @Test func aNewRequiredFieldIsRefused() throws {
        var body = Self.replacing(["schema", "properties", "country"], with: ["type": "string"])
        body = Self.replacing(["schema", "required"], with: ["accountId", "plan", "country"], in: body)
        let found = try problems(body)
        #expect(found.map(\.path) == ["properties.country"])
    }

    // MARK: Validation

    func violations(_ properties: JSONValue) throws -> [Violation] {
        let validator = CompiledValidator(try Self.registered().schema)
        var found: [Violation] = []
        validator.check(properties: properties, into: &found)
        return found
    }

    static let valid: JSONValue = [
        "accountId": "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f", "plan": "pro", "email": "a@example.com", "seats": 3,
        "amount": 12.5, "trial": false, "homepage": "https://example.com", "startedAt": "2024-05-01T12:00:00.000Z",
        "address": ["city": "Oslo"], "tags": ["a", "b"],
    ]

    @Test func aValidEventHasNoViolations() throws {
        #expect(try violations(Self.valid).isEmpty)
    }

    @Test func everyViolationIsReportedWithItsPathAndCode() throws {
        guard case .object(var members) = Self.valid else { return }
        members["plan"] = "gold"
        members["seats"] = 0
        members["email"] = "nope"
        members["accountId"] = nil
        members["address"] = ["zip": 7]
        members["tags"] = ["a", "toolong", "c"]
        members["trial"] = "yes"
        members["extra"] = 1
        members["startedAt"] = "yesterday"
        let found = Set(try violations(.object(members)).map { "\($0.path) \($0.code.rawValue)" })
        #expect(
            found == [
                "properties.plan not_allowed", "properties.seats out_of_range", "properties.email invalid_format",
                "properties.accountId required", "properties.address.city required", "properties.address.zip wrong_type",
                "properties.tags too_long", "properties.tags[1] too_long", "properties.trial wrong_type",
                "properties.extra unknown_field", "properties.startedAt invalid_format",
            ])
    }

    @Test func messagesMatchTheBuiltInOnes() throws {
        let found = try violations(["accountId": 5, "plan": "pro"])
        #expect(found == [Violation(path: "properties.accountId", code: .wrongType, message: "must be a string, not a number")])
        let missing = try violations(["plan": "pro", "accountId": "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f", "address": ["city": ""]])
        #expect(missing == [Violation(path: "properties.address.city", code: .tooShort, message: "must not be empty")])
    }

    @Test func registeredEventsGetACanonicalEnvelopeKeyedByTheKeyField() throws {
        let compiled = CompiledType(try Self.registered(version: 2))
        let parser = RegisteredEventParser(makeID: { UUID(uuidString: "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f")! })
        let event: JSONValue = [
            "type": "signup", "occurredAt": "2024-05-01T12:00:00.000Z", "sessionId": "s1", "properties": Self.valid,
        ]
        let received = Date(timeIntervalSince1970: 1_714_564_800.5)
        let result = try parser.parse(event, as: compiled, receivedAt: received).get()
        #expect(result.key == Array("3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f".utf8))
        #expect(result.typeVersion == 2)
        let stored = try JSONValue.parse(Data(result.json))
        #expect(stored["typeVersion"] == 2)
        #expect(stored["schemaVersion"] == 1)
        #expect(stored["type"] == "signup")
        #expect(stored["properties"] == Self.valid)
        #expect(stored["receivedAt"] == "2024-05-01T12:00:00.500Z")
        // The bytes are canonical: what the serializer writes for the same document.
        #expect(result.json == stored.serializedBytes())
        #expect(result.id == UUID(uuidString: "3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f"))

        let bad: JSONValue = ["type": "signup", "sessionId": "", "receivedAt": "x", "properties": ["plan": "pro"]]
        let failure = parser.parse(bad, as: compiled, receivedAt: received)
        guard case .failure(let error) = failure else {
            Issue.record("accepted an invalid event")
            return
        }
        #expect(
            Set(error.violations.map(\.path)) == ["occurredAt", "sessionId", "receivedAt", "properties.accountId"])

        // An id of its own and a schemaVersion take the quick envelope check too; a wrong one the rules.
        let withID: JSONValue = [
            "type": "signup", "id": "0b0e2c4e-1111-4a5e-9a4b-2f7a4f1c9d3e", "schemaVersion": 1,
            "occurredAt": "2024-05-01T12:00:00.000Z", "sessionId": "s1", "properties": Self.valid,
        ]
        #expect(try parser.parse(withID, as: compiled, receivedAt: received).get().id == UUID(uuidString: "0b0e2c4e-1111-4a5e-9a4b-2f7a4f1c9d3e"))
        guard case .object(var wrong) = withID else { return }
        wrong["schemaVersion"] = 2
        wrong["extra"] = true
        guard case .failure(let refused) = parser.parse(.object(wrong), as: compiled, receivedAt: received) else {
            Issue.record("accepted schemaVersion 2")
            return
        }
        #expect(refused.violations.map(\.path).sorted() == ["extra", "schemaVersion"])
    }
}
