import EDMEvents
import EDMKafka
import Foundation
import HummingbirdTesting
import Testing
import TestSupport

@testable import RelayService

/// End to end through a real HTTP socket and an `edm-broker` process: what a client POSTs is
/// what a consumer reads back.
@Suite("Relay through edm-broker")
struct BrokerIntegrationTests {
    static let prefix = "tenant-7."
    static let partitions: Int32 = 3

    static func startBroker() async throws -> TestBroker {
        try await TestBroker(topics: KafkaNames.allTopicBases.map { "\(prefix)\($0):\(partitions)" })
    }

    static func relay(_ broker: TestBroker, ackTimeout: Duration = .seconds(5)) throws -> (RelayConfiguration, KafkaProducer) {
        let configuration = try RelayConfiguration(
            kafka: KafkaConnection(bootstrapServers: [broker.bootstrapServers], prefix: prefix), ackTimeout: ackTimeout)
        let producer = try KafkaProducer(
            connection: configuration.kafka, configuration: configuration.producerConfiguration, logger: quietLogger)
        return (configuration, producer)
    }

    /// Reads `count` messages from every partition of `topics`, from the beginning.
    static func read(
        _ count: Int, topics: [String], bootstrap: String, partitions: Int32 = partitions
    ) async throws -> [KafkaMessage] {
        let assignment = topics.flatMap { topic in
            (0..<partitions).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) }
        }
        let consumer = try KafkaConsumer(
            connection: KafkaConnection(bootstrapServers: [bootstrap]),
            configuration: KafkaConsumerConfiguration(subscription: .partitions(assignment)), logger: quietLogger)
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while messages.count < count, ContinuousClock.now < deadline {
            let wanted = count - messages.count
            // Wait at most a second for a batch; whatever the consumer returned is kept, even
            // when the timer fires at the same moment.
            let batch = await withTaskGroup(of: [KafkaMessage].self) { group in
                group.addTask { await consumer.nextBatch(maxCount: wanted) }
                group.addTask {
                    try? await Task.sleep(for: .seconds(1))
                    return []
                }
                var collected = await group.next() ?? []
                group.cancelAll()
                for await rest in group { collected += rest }
                return collected
            }
            messages += batch
        }
        await consumer.close()
        return messages
    }

    /// The stored envelope minus what the relay adds, to compare with the request.
    static func asRequest(_ envelope: JSONValue, keepID: Bool) -> JSONValue {
        guard var members = envelope.objectValue else { return envelope }
        for added in ["receivedAt", "source", "schemaVersion"] { members[added] = nil }
        if !keepID { members["id"] = nil }
        if var properties = members["properties"]?.objectValue {
            properties["deviceType"] = nil
            members["properties"] = .object(properties)
        }
        return .object(members)
    }

    @Test("v1 single and batch, legacy click and pageload: read back with exactly the fields sent")
    func roundTrip() async throws {
        let broker = try await Self.startBroker()
        let (configuration, producer) = try Self.relay(broker)
        let app = RelayApplication.make(configuration: configuration, producer: producer, logger: quietLogger)
        let single = Payloads.click(id: UUID(), sessionId: "s-single", buttonId: "msr-reactor-2.5l-stove-system")
        let batch: [JSONValue] = [
            Payloads.click(sessionId: "s-batch", buttonId: "the-camper's-kit", description: nil),
            Payloads.pageload(sessionId: "s-batch"),
        ]
        let legacyClick = Payloads.legacyClick(uuid: "legacy-click-session")
        let legacyPageLoad = Payloads.legacyPageLoad(uuid: "legacy-pageload-session")

        let ids = try await app.test(.live) { client in
            var ids: [String: JSONValue] = [:]
            let responses = [
                ("single", try await client.post("/v1/events", single.text)),
                ("batch", try await client.post("/v1/events", JSONValue.array(batch).text)),
                ("legacyClick", try await client.post("/produceClickMessage", legacyClick.text)),
                ("legacyPageLoad", try await client.post("/producePageLoad", legacyPageLoad.text)),
            ]
            for (name, response) in responses {
                #expect(response.status == .accepted, "\(name): \(response.text)")
                ids[name] = .array(response.acceptedIDs.map(JSONValue.string))
            }
            return ids
        }
        await producer.close()

        let messages = try await Self.read(5, topics: configuration.names.allTopics, bootstrap: broker.bootstrapServers)
        #expect(messages.count == 5)
        var byID: [String: KafkaMessage] = [:]
        for message in messages {
            let envelope = try EventEnvelope.decode(from: Data(message.value ?? []))
            byID[envelope.id.uuidString.lowercased()] = message
            #expect(message.keyString == envelope.sessionId)
            #expect(message.topic == configuration.names.topic(for: envelope))
        }
        func stored(_ name: String, _ index: Int) throws -> JSONValue {
            let id = ids[name]?.arrayValue?[index].stringValue ?? ""
            let message = try #require(byID[id], "\(name)[\(index)] not read back")
            return try JSONValue.parse(Data(message.value ?? []))
        }

        #expect(Self.asRequest(try stored("single", 0), keepID: true) == single)
        #expect(try stored("single", 0)["source"] == "v1")
        for (index, event) in batch.enumerated() {
            #expect(Self.asRequest(try stored("batch", index), keepID: false) == event)
        }
        #expect(try stored("batch", 1)["properties"]?["deviceType"] == "mobile")

        let click = try EventEnvelope.decode(from: stored("legacyClick", 0).serialized())
        #expect(click.source == .legacy)
        #expect(click.legacyPayload() == legacyClick)
        #expect(click.properties(as: ClickProperties.self)?.buttonId == "bunum-wo-aa,-papua-new-guinea")
        let pageload = try EventEnvelope.decode(from: stored("legacyPageLoad", 0).serialized())
        #expect(pageload.legacyPayload() == legacyPageLoad)
        #expect(pageload.properties(as: PageLoadProperties.self)?.deviceType == .desktop)
    }

    @Test("edm-broker stopped: every POST gets 503 with Retry-After, none a 2xx")
    func brokerStopped() async throws {
        let broker = try await Self.startBroker()
        let (configuration, producer) = try Self.relay(broker, ackTimeout: .seconds(1))
        let app = RelayApplication.make(configuration: configuration, producer: producer, logger: quietLogger)
        try await app.test(.live) { client in
            #expect(try await client.post("/v1/events", Payloads.click().text).status == .accepted)
            #expect(try await broker.stop() == 0)
            for body in [Payloads.click().text, JSONValue.array([Payloads.click(), Payloads.pageload()]).text] {
                let started = ContinuousClock.now
                let response = try await client.post("/v1/events", body)
                #expect(response.status == .serviceUnavailable, "\(response.text)")
                #expect(response.headers[.retryAfter] == "1")
                #expect(ContinuousClock.now - started < .seconds(4))
            }
            let legacy = try await client.post("/produceClickMessage", Payloads.legacyClick().text)
            #expect(legacy.status == .serviceUnavailable)
            #expect(try await client.get("/ready").status == .serviceUnavailable)
        }
        await producer.close(flushTimeout: .milliseconds(100))
    }
}

extension KafkaNames {
    /// The unprefixed topic of every registered type.
    static var allTopicBases: [String] { EventRegistry.standard.kinds.map { $0.topicBase } }
}
