import EDMEvents
import EDMRegistry
import EDMHTTP
import EDMKafka
import Foundation

/// `POST /v1/schemas/{type}`: checks a registration against the current version and appends the
/// new version to the registry topic (awaiting the broker's ack). Every instance, this one
/// included, learns it by reading the topic (``RegistryFollower``), where the first record of a
/// version wins; so two registrations racing on two instances cannot leave instances disagreeing.
/// The registering request waits until its own follower has read the record back: if its record
/// won, the version is answered (usable here at once); if a concurrent registration took that
/// version first, the request is checked again against the winner and tried as the next version
/// (or answered 409 when no longer compatible, or 200 when the winner is the same registration).
/// Records go to partition 0 with a key unique to the attempt, so every reader sees one order and
/// compaction never replaces a version's first record with a later one.
struct SchemaRegistration: Sendable {
    let registry: SchemaRegistry
    let producer: KafkaProducer
    let provisioner: TopicProvisioner
    let topic: String
    let defaultPartitions: Int
    /// How long a registration waits to read its own record back before answering 503.
    var confirmationTimeout: Duration = .seconds(10)
    /// Registrations tried before giving up on a type other instances keep changing.
    var maxAttempts = 5

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
        for _ in 0..<maxAttempts {
            if let outcome = try await attempt(name, registration) { return outcome }
        }
        throw APIError.unavailable(
            "\(name) was changed by \(maxAttempts) concurrent registrations while this one was tried; retry", retryAfterSeconds: 1)
    }

    /// One try at the next version; nil when a concurrent registration took it first.
    private func attempt(_ name: String, _ registration: TypeRegistration) async throws(APIError) -> Outcome? {
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
        let report: DeliveryReport
        do {
            report = try await producer.send(
                KafkaOutgoingMessage(
                    topic: topic, key: Array("\(name)/\(type.version)/\(UUID().uuidString.lowercased())".utf8),
                    value: type.jsonValue.serializedBytes(), partition: 0))
        } catch {
            throw APIError.unavailable("the registry topic did not acknowledge the registration: \(error)", retryAfterSeconds: 1)
        }
        guard registry.isFollowed else {
            // No follower (in-process tests): this snapshot is the only reader.
            registry.apply(type, topicReady: ready)
            return Outcome(type: registry.version(type.version, of: name) ?? type, created: true, ready: registry.entry(named: name)?.topicReady ?? ready)
        }
        let deadline = ContinuousClock.now + confirmationTimeout
        while !registry.hasRead(partition: report.partition, offset: report.offset) {
            guard ContinuousClock.now < deadline else {
                throw APIError.unavailable(
                    "version \(type.version) of \(name) is stored but this instance has not read it back yet; retry (the same body then answers 200)",
                    retryAfterSeconds: 1)
            }
            // Polled: the follower reads the record within its 100 ms fetch wait.
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard registry.origin(of: name, version: type.version) == .init(partition: report.partition, offset: report.offset) else {
            return nil
        }
        if ready { registry.markTopicReady(name) }
        return Outcome(type: registry.version(type.version, of: name) ?? type, created: true, ready: registry.entry(named: name)?.topicReady ?? ready)
    }

    /// A repeated registration of the current version (same schema and metadata) changes nothing.
    static func same(_ current: RegisteredType, _ registration: TypeRegistration) -> Bool {
        current.schema == registration.schema && current.owner == registration.owner
            && current.description == registration.description && current.keyField == registration.keyField
            && current.countBy == registration.countBy && (registration.partitions ?? current.partitions) == current.partitions
    }
}
