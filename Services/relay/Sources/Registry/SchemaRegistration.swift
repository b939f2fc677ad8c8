import EDMEvents
import EDMRegistry
import EDMHTTP
import EDMKafka
import Foundation

/// `POST /v1/schemas/{type}`: checks a registration against the current version, appends the
/// new version to the registry topic (awaiting the broker's ack) and applies it to this
/// instance's registry, so the type is usable here as soon as the 201 arrives (and on every
/// other instance once its ``RegistryFollower`` reads the record, within about a second).
///
/// Known limit: two registrations of one type racing on two instances may both claim version
/// n+1; each registry keeps the first record it saw for a version, so the two instances may
/// disagree about that version until restarted (register types from one place at a time).
struct SchemaRegistration: Sendable {
    let registry: SchemaRegistry
    let producer: KafkaProducer
    let provisioner: TopicProvisioner
    let topic: String
    let defaultPartitions: Int

    struct Outcome: Sendable {
        let type: RegisteredType
        let created: Bool
        let ready: Bool
    }

    func register(_ name: String, body: Data) async throws(APIError) -> Outcome {
        if let problem = TypeRegistration.nameProblem(name) {
            throw APIError(.badRequest, code: "invalid_type_name", message: problem, details: [APIError.Detail(path: "type", message: problem, code: nil)])
        }
        if EventRegistry.all.kind(named: name) != nil {
            throw APIError(
                .conflict, code: "built_in_type",
                message: "\(name) is a built-in type; its schema is part of the relay and cannot be replaced")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(body)
        } catch {
            throw APIError(.badRequest, code: "malformed_json", message: error.description)
        }
        let registration: TypeRegistration
        do {
            registration = try TypeRegistration.parse(root, name: name, defaultPartitions: defaultPartitions)
        } catch {
            throw APIError(
                .badRequest, code: "invalid_schema", message: error.description,
                details: [APIError.Detail(path: error.path, message: error.message, code: "invalid_schema")])
        }
        let current = registry.entry(named: name)?.current.type
        if let current {
            let problems = SchemaCompatibility.problems(from: current, to: registration)
            guard problems.isEmpty else {
                throw APIError(
                    .conflict, code: "incompatible_schema",
                    message: "version \(current.version + 1) of \(name) is not backward compatible with version \(current.version): "
                        + problems.map(\.description).joined(separator: "; "),
                    details: problems.map { APIError.Detail(path: $0.path, message: $0.reason, code: "incompatible") })
            }
            if Self.same(current, registration) {
                return Outcome(type: current, created: false, ready: registry.entry(named: name)?.topicReady ?? false)
            }
        }
        let type = RegisteredType(
            name: name, version: (current?.version ?? 0) + 1, schema: registration.schema, owner: registration.owner,
            description: registration.description, keyField: registration.keyField, countBy: registration.countBy,
            partitions: registration.partitions ?? current?.partitions ?? defaultPartitions, registeredAt: Date())
        let ready: Bool
        if case .ready = await provisioner.create(for: type) { ready = true } else { ready = false }
        do {
            _ = try await producer.send(
                KafkaOutgoingMessage(topic: topic, key: Array("\(name)/\(type.version)".utf8), value: type.jsonValue.serializedBytes()))
        } catch {
            throw APIError.unavailable("the registry topic did not acknowledge the registration: \(error)", retryAfterSeconds: 1)
        }
        // Usable here at once; other instances (and this one after a restart) read it from the topic.
        registry.apply(type, topicReady: ready)
        let stored = registry.version(type.version, of: name) ?? type
        return Outcome(type: stored, created: true, ready: registry.entry(named: name)?.topicReady ?? ready)
    }

    /// A repeated registration of the current version (same schema and metadata) changes nothing.
    static func same(_ current: RegisteredType, _ registration: TypeRegistration) -> Bool {
        current.schema == registration.schema && current.owner == registration.owner
            && current.description == registration.description && current.keyField == registration.keyField
            && current.countBy == registration.countBy && (registration.partitions ?? current.partitions) == current.partitions
    }
}
