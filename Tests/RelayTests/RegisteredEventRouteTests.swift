import EDMEvents
import EDMRegistry
import EDMHTTP
import EDMKafka
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import RelayService

/// Events of registered types on `POST /v1/events` in process: mixed with built-in events in
/// one batch, with an Idempotency-Key, and on the types' own topics.
@Suite("registered events on /v1/events")
struct RegisteredEventRouteTests {
    static let registration = """
        {"schema": {"type": "object", "required": ["plan"], "properties": {"plan": {"enum": ["free", "pro"]},
          "address": {"type": "object", "properties": {"city": {"type": "string"}}}}},
         "owner": "growth", "description": "A visitor created an account."}
        """

    static func signup(plan: String = "pro") -> JSONValue {
        [
            "type": "signup", "occurredAt": .string(Payloads.nowTimestamp()), "sessionId": "s-1",
            "properties": ["plan": .string(plan), "address": ["city": "Oslo"]],
        ]
    }

    @Test("a mixed batch with an Idempotency-Key: distinct ids, the same on a retry, each event on its type's topic")
    func mixedBatchWithKey() async throws {
        let harness = try RelayHarness { $0.adminKeys = BearerTokens(["admin"]) }
        try await harness.run { client in
            var admin = jsonHeaders
            admin[.authorization] = "Bearer admin"
            #expect(try await client.post("/v1/schemas/signup", Self.registration, headers: admin).status == .created)
            // Identical built-in events at different places must not share a derived id.
            let batch = JSONValue.array([Payloads.click(), Payloads.click(), Self.signup(), Self.signup()])
            var keyed = jsonHeaders
            keyed[IdempotencyKey.header] = "mixed-1"
            let first = try await client.post("/v1/events", batch.text, headers: keyed)
            let retry = try await client.post("/v1/events", batch.text, headers: keyed)
            #expect(first.status == .accepted, "\(first.text)")
            #expect(Set(first.acceptedIDs).count == 4)
            #expect(first.acceptedIDs == retry.acceptedIDs)

            let invalid = JSONValue.array([Payloads.click(), Self.signup(plan: "gold")])
            let refused = try await client.post("/v1/events", invalid.text)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorPaths == ["[1].properties.plan"])
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 4)
        #expect(try await Self.storedCount(RegisteredType.topicBase(for: "signup"), in: harness) == 4)
    }

    @Test("a pending type (its topic missing) is listed with the command to create it; its events are refused naming it")
    func pendingType() async throws {
        let harness = try RelayHarness()
        let registry = SchemaRegistry()
        let registration = try TypeRegistration.parse(
            try JSONValue.parse(Data(Self.registration.utf8)), name: "signup", defaultPartitions: 6)
        registry.apply(
            RegisteredType(
                name: "signup", version: 1, schema: registration.schema, owner: registration.owner,
                description: registration.description, keyField: nil, countBy: [], partitions: 6, registeredAt: Date()),
            topicReady: false)
        let app = RelayApplication.make(
            configuration: harness.configuration, producer: harness.producer, registry: registry, logger: quietLogger)
        try await app.test(.router) { client in
            let described = try await client.get("/v1/schemas/signup").json
            #expect(described["status"] == "pending")
            #expect(described["createTopicCommand"] == "heroku kafka:topics:create edm-ui-signup --partitions 6")
            let refused = try await client.post("/v1/events", Self.signup().text)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorPaths == ["type"])
            #expect(refused.text.contains("heroku kafka:topics:create edm-ui-signup"))
            // Once the topic exists (the follower re-checks), the type is accepted.
            registry.markTopicReady("signup")
            #expect(try await client.post("/v1/events", Self.signup().text).status == .accepted)
        }
        await harness.producer.close(flushTimeout: .seconds(1))
    }

    /// Records in a topic of any partition count (the mock cluster creates a registered type's
    /// topic with its own default).
    static func storedCount(_ topic: String, in harness: RelayHarness) async throws -> Int64 {
        let consumer = try KafkaConsumer(
            connection: harness.configuration.kafka, configuration: KafkaConsumerConfiguration(subscription: .partitions([])),
            logger: quietLogger)
        let partitions = try await consumer.partitionCounts(topics: [topic])[topic] ?? 0
        var total: Int64 = 0
        for partition in 0..<partitions {
            total += try await consumer.watermarks(TopicPartition(topic: topic, partition: partition)).high
        }
        await consumer.close()
        return total
    }
}
