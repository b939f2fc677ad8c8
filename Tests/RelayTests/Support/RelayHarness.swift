import EDMEvents
import EDMKafka
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

@testable import RelayService

let quietLogger: Logger = {
    var logger = Logger(label: "relay-test")
    logger.logLevel = .critical
    return logger
}()

/// A relay wired to a real (librdkafka mock) broker in this process, for the router tests:
/// the cluster can be taken down and brought back on the same port.
struct RelayHarness: Sendable {
    let cluster: KafkaMockCluster
    let producer: KafkaProducer
    let configuration: RelayConfiguration

    /// Click and pageload topics with `partitions` partitions each.
    static let partitions = 2

    init(
        ackTimeout: Duration = .seconds(5), prefix: String = "",
        configure: (inout RelayConfiguration) -> Void = { _ in },
        tuneProducer: (inout KafkaProducerConfiguration) -> Void = { _ in }
    ) throws {
        cluster = try KafkaMockCluster()
        var configuration = try RelayConfiguration(
            kafka: KafkaConnection(bootstrapServers: [cluster.bootstrapServers], prefix: prefix), ackTimeout: ackTimeout)
        for topic in configuration.names.allTopics {
            try cluster.createTopic(topic, partitions: Self.partitions)
        }
        configure(&configuration)
        self.configuration = configuration
        var producerConfiguration = configuration.producerConfiguration
        tuneProducer(&producerConfiguration)
        producer = try KafkaProducer(
            connection: configuration.kafka, configuration: producerConfiguration, logger: quietLogger)
    }

    var app: some ApplicationProtocol {
        RelayApplication.make(configuration: configuration, producer: producer, logger: quietLogger)
    }

    /// Runs `test` against the router (no sockets), then closes the producer.
    func run<Value: Sendable>(
        _ setup: TestingSetup = .router, _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        do {
            let value = try await app.test(setup, test)
            await producer.close(flushTimeout: .seconds(1))
            return value
        } catch {
            await producer.close(flushTimeout: .milliseconds(100))
            throw error
        }
    }

    /// Messages currently stored in `topic` (sum of high watermarks).
    func storedCount(_ topic: String) async throws -> Int64 {
        let consumer = try KafkaConsumer(
            connection: configuration.kafka,
            configuration: KafkaConsumerConfiguration(subscription: .partitions([])), logger: quietLogger)
        var total: Int64 = 0
        for partition in 0..<Int32(Self.partitions) {
            total += try await consumer.watermarks(TopicPartition(topic: topic, partition: partition)).high
        }
        await consumer.close()
        return total
    }

    func topic(_ kind: any EventProperties.Type) -> String { configuration.names.topic(for: kind) }
}

// MARK: Requests

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

extension TestClientProtocol {
    func post(_ path: String, _ body: String, headers: HTTPFields = jsonHeaders) async throws -> TestResponse {
        try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ path: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: path, method: .get, headers: headers)
    }
}

extension TestResponse {
    var json: JSONValue {
        get throws { try JSONValue.parse(Data(body.readableBytesView)) }
    }

    var text: String { String(buffer: body) }

    /// `details[].path` of an error body.
    var errorPaths: [String] {
        ((try? json)?["error"]?["details"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
    }

    var errorCode: String? { (try? json)?["error"]?["code"]?.stringValue }

    var acceptedIDs: [String] {
        ((try? json)?["ids"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

// MARK: Payloads

enum Payloads {
    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func nowTimestamp() -> String { EventTimestamp.string(from: Date()) }

    /// A v1 click as a client sends it.
    static func click(
        id: UUID? = nil, sessionId: String = "session-1", buttonId: String = "the-camper's-kit",
        description: String? = "Add to cart"
    ) -> JSONValue {
        var properties: [String: JSONValue] = ["buttonId": .string(buttonId)]
        if let description { properties["description"] = .string(description) }
        var event: [String: JSONValue] = [
            "type": "click", "occurredAt": .string(nowTimestamp()), "sessionId": .string(sessionId),
            "properties": .object(properties),
        ]
        if let id { event["id"] = .string(id.uuidString.lowercased()) }
        return .object(event)
    }

    static func pageload(sessionId: String = "session-2") -> JSONValue {
        [
            "type": "pageload", "occurredAt": .string(nowTimestamp()), "sessionId": .string(sessionId),
            "properties": [
                "url": "https://shop.example.com/products/msr-reactor-2.5l-stove-system",
                "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148",
            ],
        ]
    }

    /// The reference storefront's click payload.
    static func legacyClick(uuid: String = "0f8fad5b-d9cb-11e8-b568-0800200c9a66", buttonId: String = "bunum-wo-aa,-papua-new-guinea") -> JSONValue {
        [
            "topic": "edm-ui-click", "uuid": .string(uuid), "event_timestamp": .integer(nowMilliseconds()),
            "properties": ["button_id": .string(buttonId), "description": "Add to cart"],
        ]
    }

    static func legacyPageLoad(uuid: String = "1b4e28ba-d9cb-11e8-b568-0800200c9a66") -> JSONValue {
        [
            "topic": "edm-ui-pageload", "uuid": .string(uuid), "event_timestamp": .integer(nowMilliseconds()),
            "properties": [
                "url": "https://shop.example.com/", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0",
                "description": "Home page",
            ],
        ]
    }
}

extension JSONValue {
    var text: String { String(decoding: serialized(), as: UTF8.self) }
}

