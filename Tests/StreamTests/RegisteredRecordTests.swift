import EDMEvents
import Foundation
import Testing

@Suite("Records of registered types: the envelope is checked, the stored bytes delivered")
struct RegisteredRecordTests {

    @Test("what the relay writes decodes with its properties; anything else is skipped with a reason")
    func decoding() throws {
        let type = SignupType.type()
        let (id, message) = SignupType.event(type, accountId: "a1", plan: "pro", amount: 150)
        let record = try RegisteredRecordDecoder.decode(message.value, type: "signup").get()
        #expect(record.id.uuidString.lowercased() == id)
        #expect(record.typeVersion == 1)
        #expect(record.properties["plan"] == "pro")
        #expect(try JSONValue.parse(Data(record.json)) == JSONValue.parse(Data(message.value ?? [])))

        func reason(_ bytes: [UInt8]?, type: String = "signup") -> SkipReason? {
            guard case .failure(let reason) = RegisteredRecordDecoder.decode(bytes, type: type) else { return nil }
            return reason
        }
        let stored = try JSONValue.parse(Data(message.value ?? []))
        func edited(_ change: (inout [String: JSONValue]) -> Void) -> [UInt8] {
            var root = stored.objectValue ?? [:]
            change(&root)
            return JSONValue.object(root).serializedBytes()
        }
        #expect(reason(nil) == .tombstone)
        #expect(reason(Array("{not json".utf8)) == .malformedJSON)
        #expect(reason(message.value, type: "order") == .topicMismatch)
        #expect(reason(edited { $0["typeVersion"] = nil }) == .invalidEvent)
        #expect(reason(edited { $0["properties"] = "x" }) == .invalidEvent)
        #expect(reason(edited { $0["schemaVersion"] = 99 }) == .unsupportedSchemaVersion)
        #expect(reason(edited { $0["sessionId"] = "" }) == .invalidEvent)
    }
}
