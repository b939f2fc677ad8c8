import EDMEvents
import EDMKafka
import EDMRegistry
import Foundation
@testable import StatsService

/// A type registered at runtime (`signup`, counted by `plan` and `seats`) and its events, built
/// the way the relay builds them (`RegisteredEventParser`), so stats reads the relay's bytes.
enum Signups {
    static let name = "signup"

    static func type(version: Int = 1, countBy: [String] = ["plan", "seats"]) throws -> RegisteredType {
        let body = try JSONValue.parse(
            Data(
                """
                {"schema": {"type": "object", "required": ["accountId", "plan"],
                  "properties": {"accountId": {"type": "string", "minLength": 1, "maxLength": 300},
                                 "plan": {"type": "string", "minLength": 1, "maxLength": 300},
                                 "seats": {"type": "integer", "minimum": 1}}},
                 "owner": "growth", "description": "A visitor created an account.", "keyField": "accountId",
                 "countBy": [\(countBy.map { "\"\($0)\"" }.joined(separator: ", "))]}
                """.utf8))
        let registration = try TypeRegistration.parse(body, name: name, defaultPartitions: 4)
        return RegisteredType(
            name: name, version: version, schema: registration.schema, owner: registration.owner,
            description: registration.description, keyField: registration.keyField, countBy: registration.countBy,
            partitions: 4, registeredAt: Events.base)
    }

    /// A registry that knows `signup` with its topic ready.
    static func registry() throws -> SchemaRegistry {
        let registry = SchemaRegistry()
        registry.apply(try type(), topicReady: true)
        return registry
    }

    static func topic(_ names: KafkaNames) -> String { names.prefix + RegisteredType.topicBase(for: name) }

    /// One event as the relay writes it; `seats` nil leaves the optional field out.
    static func event(
        account: String, plan: String, seats: Int64? = 2, id: UUID? = nil, at occurredAt: Date = Events.base,
        type: RegisteredType? = nil
    ) throws -> RegisteredEvent {
        var properties: [String: JSONValue] = ["accountId": .string(account), "plan": .string(plan)]
        if let seats { properties["seats"] = .integer(seats) }
        var request: [String: JSONValue] = [
            "type": .string(name), "occurredAt": .string(EventTimestamp.string(from: occurredAt)),
            "sessionId": .string("session-\(account)"), "properties": .object(properties),
        ]
        if let id { request["id"] = .string(id.uuidString.lowercased()) }
        let compiled = CompiledType(try type ?? self.type())
        switch RegisteredEventParser().parse(.object(request), as: compiled, receivedAt: occurredAt.addingTimeInterval(0.2)) {
        case .success(let event): return event
        case .failure(let failure): throw failure
        }
    }

    static func outgoing(_ event: RegisteredEvent, names: KafkaNames) -> KafkaOutgoingMessage {
        KafkaOutgoingMessage(topic: topic(names), key: event.key, value: event.json)
    }
}
