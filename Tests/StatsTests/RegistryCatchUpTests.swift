import EDMEvents
import EDMKafka
import EDMRegistry
import Foundation
import Logging
import Testing
import TestSupport

/// Stats reads the registry to its end before its group subscribes, so the types registered
/// before a (re)start are in the first subscription.
@Suite("registry catch-up before subscribing")
struct RegistryCatchUpTests {
    @Test("catchUp stores every registered version and marks the types whose topics exist")
    func catchUpReadsTheRegistryToItsEnd() async throws {
        let broker = try await TestBroker()
        let connection = KafkaConnection(bootstrapServers: [broker.bootstrapServers])
        let producer = try KafkaProducer(connection: connection, configuration: KafkaProducerConfiguration(), logger: Logger(label: "test"))
        let registryTopic = RegisteredType.registryTopicBase
        let signup = try Signups.type()
        let later = try Signups.type(version: 2, countBy: ["plan"])
        for type in [signup, later] {
            _ = try await producer.send(
                KafkaOutgoingMessage(topic: registryTopic, key: Array("signup/\(type.version)/x".utf8), value: type.jsonValue.serializedBytes(), partition: 0))
        }
        // The type's topic exists (the mock creates it when asked about it).
        _ = try await producer.topicPartitionCount(RegisteredType.topicBase(for: "signup"))

        let registry = SchemaRegistry()
        let complete = await RegistryFollower.catchUp(
            connection: connection, prefix: "", registry: registry, clientID: "test-registry", logger: Logger(label: "test"), timeout: .seconds(30))
        #expect(complete)
        #expect(registry.entry(named: "signup")?.versions.map(\.version) == [1, 2])
        #expect(registry.readyNames == ["signup"])
        await producer.close()
    }

    @Test("an empty registry is caught up at once")
    func emptyRegistry() async throws {
        let broker = try await TestBroker()
        let registry = SchemaRegistry()
        let complete = await RegistryFollower.catchUp(
            connection: KafkaConnection(bootstrapServers: [broker.bootstrapServers]), prefix: "", registry: registry,
            clientID: "test-registry", logger: Logger(label: "test"), timeout: .seconds(30))
        #expect(complete)
        #expect(registry.all.isEmpty)
    }
}
