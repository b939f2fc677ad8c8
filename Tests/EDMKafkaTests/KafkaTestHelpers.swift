import EDMKafka
import Foundation
import Logging
import Testing

/// Test-sized settings: short session timeout so the mock's rebalances finish quickly.
func groupConsumer(
    _ bootstrap: String, group: String, topics: [String], commitMode: KafkaConsumerConfiguration.CommitMode = .manual,
    rebalance: RebalanceHandler? = nil
) throws -> KafkaConsumer {
    var configuration = KafkaConsumerConfiguration(subscription: .group(id: group, topics: topics))
    configuration.sessionTimeout = .seconds(6)
    configuration.commitMode = commitMode
    return try KafkaConsumer(
        connection: KafkaConnection(bootstrapServers: [bootstrap]), configuration: configuration,
        rebalanceHandler: rebalance, logger: quietLogger)
}

func producer(_ bootstrap: String, configure: (inout KafkaProducerConfiguration) -> Void = { _ in }) throws -> KafkaProducer {
    var configuration = KafkaProducerConfiguration()
    configure(&configuration)
    return try KafkaProducer(
        connection: KafkaConnection(bootstrapServers: [bootstrap]), configuration: configuration, logger: quietLogger)
}

let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()

struct CollectTimeout: Error, CustomStringConvertible {
    let wanted: Int
    let got: Int
    var description: String { "timed out: received \(got) of \(wanted) messages" }
}

/// Reads exactly `count` messages or fails after `timeout`.
func collect(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(30)) async throws -> [KafkaMessage] {
    try await withThrowingTaskGroup(of: [KafkaMessage]?.self) { group in
        group.addTask {
            var received: [KafkaMessage] = []
            while received.count < count {
                let batch = await consumer.nextBatch(maxCount: count - received.count)
                if batch.isEmpty { break }
                received += batch
            }
            return received
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let messages = first else {
            throw CollectTimeout(wanted: count, got: -1)
        }
        guard messages.count == count else { throw CollectTimeout(wanted: count, got: messages.count) }
        return messages
    }
}

func messages(topic: String, count: Int, keys: Int = 10) -> [KafkaOutgoingMessage] {
    (0..<count).map { index in
        KafkaOutgoingMessage(topic: topic, key: "key-\(index % keys)", value: "value-\(index)")
    }
}
