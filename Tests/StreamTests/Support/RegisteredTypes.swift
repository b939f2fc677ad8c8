import EDMEvents
import EDMKafka
import EDMRegistry
import Foundation

/// The `signup` type of issue 17's examples, and records of it as the relay writes them.
enum SignupType {
    static let registration: JSONValue = try! JSONValue.parse(
        #"""
        {"schema": {"type": "object", "required": ["accountId", "plan"],
          "properties": {"accountId": {"type": "string", "minLength": 1, "maxLength": 64},
                         "plan": {"enum": ["free", "pro"]},
                         "seats": {"type": "integer", "minimum": 1},
                         "amount": {"type": "number"},
                         "trial": {"type": "boolean"},
                         "address": {"type": "object", "properties": {"country": {"type": "string"}}},
                         "tags": {"type": "array", "items": {"type": "string"}}}},
         "owner": "growth", "description": "A visitor created an account.", "keyField": "accountId"}
        """#)

    static func type(name: String = "signup", version: Int = 1) -> RegisteredType {
        let body = try! TypeRegistration.parse(registration, name: name, defaultPartitions: 2)
        return RegisteredType(
            name: name, version: version, schema: body.schema, owner: body.owner, description: body.description,
            keyField: body.keyField, countBy: body.countBy, partitions: 2, registeredAt: Date())
    }

    /// A registry knowing `signup` (topic ready).
    static func registry() -> SchemaRegistry {
        let registry = SchemaRegistry()
        registry.apply(type(), topicReady: true)
        return registry
    }

    /// The registry topic's record registering `type`.
    static func registrationMessage(_ type: RegisteredType) -> KafkaOutgoingMessage {
        KafkaOutgoingMessage(
            topic: RegisteredType.registryTopicBase, key: Array("\(type.name)/\(type.version)".utf8),
            value: type.jsonValue.serializedBytes())
    }

    /// One valid event of `type` as the relay writes it; returns its id and the record.
    static func event(
        _ type: RegisteredType, accountId: String, plan: String, amount: Double = 10
    ) -> (id: String, message: KafkaOutgoingMessage) {
        let body = try! JSONValue.parse(
            """
            {"type": "\(type.name)", "occurredAt": "\(EventTimestamp.string(from: Date()))", "sessionId": "s-\(accountId)",
             "properties": {"accountId": "\(accountId)", "plan": "\(plan)", "seats": 2, "amount": \(amount)}}
            """)
        let event = try! RegisteredEventParser().parse(body, as: CompiledType(type), receivedAt: Date()).get()
        return (
            event.id.uuidString.lowercased(),
            KafkaOutgoingMessage(topic: RegisteredType.topicBase(for: type.name), key: event.key, value: event.json)
        )
    }
}
