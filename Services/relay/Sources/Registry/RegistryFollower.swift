import EDMEvents
import EDMKafka
import Foundation
import Logging
import ServiceLifecycle

/// Reads the registry topic from its first record and follows it live, outside any consumer
/// group (every instance reads every partition, as stream does), so a type registered on one
/// relay instance is known by all within a fetch wait (100 ms) and again after a restart.
/// Also re-checks the topics of `pending` types every ``pendingCheckInterval``.
struct RegistryFollower: Service {
    let connection: KafkaConnection
    let topic: String
    let registry: SchemaRegistry
    let provisioner: TopicProvisioner
    let logger: Logger
    var pendingCheckInterval: Duration = .seconds(3)

    func run() async throws {
        // edm-broker creates the registry topic; on a real cluster the operator does, or the
        // first relay through the admin API (compacted, one partition), or else the cluster
        // creates it on first use where it allows that. Until it exists there is nothing to read.
        var partitions = try? await provisioner.producer.partitionCounts(topics: [topic], timeout: .seconds(3))[topic]
        if partitions == nil {
            try? await provisioner.producer.createTopic(
                topic, partitions: 1, config: ["cleanup.policy": "compact"], timeout: provisioner.adminTimeout)
        }
        while partitions == nil, !Task.isCancelled, !Task.isShuttingDownGracefully {
            partitions = try? await provisioner.producer.topicPartitionCount(topic, timeout: .seconds(3))
            if partitions == nil {
                logger.warning("registry topic missing; registered types unavailable until it exists", metadata: ["topic": "\(topic)"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
        guard let partitions else { return }
        var configuration = KafkaConsumerConfiguration(
            subscription: .partitions((0..<partitions).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) }))
        configuration.clientID = "edm-relay-registry"
        configuration.bufferCapacity = 1_000
        configuration.extraProperties = ["fetch.wait.max.ms": "100"]
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        logger.info("following the schema registry", metadata: ["topic": "\(topic)", "partitions": "\(partitions)"])
        var nextPendingCheck = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let batch = await consumer.nextBatch(maxCount: 500, waitingAtMost: .milliseconds(200))
            for message in batch { await apply(message) }
            if ContinuousClock.now >= nextPendingCheck {
                await checkPending()
                nextPendingCheck = ContinuousClock.now + pendingCheckInterval
            }
        }
        await consumer.close()
    }

    private func apply(_ message: KafkaMessage) async {
        guard let bytes = message.value, let value = try? JSONValue.parse(Data(bytes)),
            let type = RegisteredType.fromRecord(value)
        else {
            logger.warning(
                "skipping a registry record that is not a registration",
                metadata: ["partition": "\(message.partition)", "offset": "\(message.offset)"])
            return
        }
        guard registry.apply(type) else { return }
        logger.info("schema registered", metadata: ["type": "\(type.name)", "version": "\(type.version)"])
        if case .ready = await provisioner.check(type) { registry.markTopicReady(type.name) }
    }

    private func checkPending() async {
        for name in registry.pendingNames {
            guard let entry = registry.entry(named: name) else { continue }
            if case .ready = await provisioner.check(entry.current.type) {
                registry.markTopicReady(name)
                logger.notice("registered type's topic now exists; accepting its events", metadata: ["type": "\(name)"])
            }
        }
    }
}
