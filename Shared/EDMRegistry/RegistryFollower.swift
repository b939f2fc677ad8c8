import EDMEvents
import EDMKafka
import Foundation
import Logging
import ServiceLifecycle

/// Reads the registry topic from its first record and follows it live, outside any consumer
/// group (every instance reads every partition), so a type registered on one relay instance is
/// known by every relay, stream and stats instance within a fetch wait (100 ms), and again after
/// a restart. Also re-checks the topics of `pending` types every ``pendingCheckInterval``.
public struct RegistryFollower: Service {
    let connection: KafkaConnection
    let prefix: String
    let registry: SchemaRegistry
    let metadata: any TopicMetadataSource
    let clientID: String
    let logger: Logger
    /// The relay creates a missing registry topic (compacted); readers only wait for it.
    let createRegistryTopic: (@Sendable (String) async -> Void)?
    public var pendingCheckInterval: Duration = .seconds(3)

    public init(
        connection: KafkaConnection, prefix: String, registry: SchemaRegistry, metadata: any TopicMetadataSource,
        clientID: String, logger: Logger, createRegistryTopic: (@Sendable (String) async -> Void)? = nil
    ) {
        self.connection = connection
        self.prefix = prefix
        self.registry = registry
        self.metadata = metadata
        self.clientID = clientID
        self.logger = logger
        self.createRegistryTopic = createRegistryTopic
    }

    public var topic: String { prefix + RegisteredType.registryTopicBase }

    /// The topic a registered type's events are written to.
    public func topic(for type: RegisteredType) -> String { prefix + type.topicBase }

    public func run() async throws {
        // edm-broker creates the registry topic; on a real cluster the operator does, or the
        // first relay through the admin API (compacted, one partition), or else the cluster
        // creates it on first use where it allows that. Until it exists there is nothing to read.
        var partitions = await metadata.existingPartitionCount(of: topic)
        if partitions == nil, let createRegistryTopic { await createRegistryTopic(topic) }
        while partitions == nil, !Task.isCancelled, !Task.isShuttingDownGracefully {
            partitions = await metadata.existingPartitionCount(of: topic)
            if partitions == nil {
                logger.warning("registry topic missing; registered types unavailable until it exists", metadata: ["topic": "\(topic)"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
        guard let partitions else { return }
        var configuration = KafkaConsumerConfiguration(
            subscription: .partitions((0..<partitions).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) }))
        configuration.clientID = clientID
        configuration.bufferCapacity = 1_000
        configuration.extraProperties = ["fetch.wait.max.ms": "100"]
        let consumer = try KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        logger.info("following the schema registry", metadata: ["topic": "\(topic)", "partitions": "\(partitions)"])
        registry.isFollowed = true
        defer { registry.isFollowed = false }
        var nextPendingCheck = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let batch = await consumer.nextBatch(maxCount: 500, waitingAtMost: .milliseconds(200))
            for message in batch {
                await apply(message)
                registry.markRead(partition: message.partition, next: message.offset + 1)
            }
            if ContinuousClock.now >= nextPendingCheck {
                await checkPending()
                nextPendingCheck = ContinuousClock.now + pendingCheckInterval
            }
        }
        await consumer.close()
    }

    fileprivate func apply(_ message: KafkaMessage) async {
        guard let bytes = message.value, let value = try? JSONValue.parse(Data(bytes)),
            let type = RegisteredType.fromRecord(value)
        else {
            logger.warning(
                "skipping a registry record that is not a registration",
                metadata: ["partition": "\(message.partition)", "offset": "\(message.offset)"])
            return
        }
        guard registry.apply(type, origin: .init(partition: message.partition, offset: message.offset)) else { return }
        logger.info("schema registered", metadata: ["type": "\(type.name)", "version": "\(type.version)"])
        if await topicExists(type) { registry.markTopicReady(type.name) }
    }

    /// Whether the type's topic exists now (cluster metadata; never creates it).
    public func topicExists(_ type: RegisteredType) async -> Bool {
        await metadata.existingPartitionCount(of: topic(for: type)) != nil
    }

    private func checkPending() async {
        for name in registry.pendingNames {
            guard let entry = registry.entry(named: name) else { continue }
            if await topicExists(entry.current.type) {
                registry.markTopicReady(name)
                logger.notice("registered type's topic now exists; its events flow", metadata: ["type": "\(name)"])
            }
        }
    }
}

extension RegistryFollower {
    /// Reads the registry as it stands now (every partition up to its high watermark) into
    /// `registry` once, within `timeout`, with a consumer of its own; returns whether it got to
    /// the end. Readers that fix their topics at start call it first (stats' group subscription:
    /// without it, every restart with registered types would subscribe twice and pay a second
    /// rebalance). The live follower then reads from the beginning again; applying is idempotent.
    public static func catchUp(
        connection: KafkaConnection, prefix: String, registry: SchemaRegistry, clientID: String, logger: Logger,
        timeout: Duration = .seconds(10)
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        let topic = prefix + RegisteredType.registryTopicBase
        var configuration = KafkaConsumerConfiguration(subscription: .partitions([]))
        configuration.clientID = clientID
        guard let metadata = try? KafkaConsumer(connection: connection, configuration: configuration, logger: logger) else { return false }
        let ends = await lastOffsets(of: topic, metadata: metadata)
        guard let ends else {
            await metadata.close()
            return false
        }
        var reader: KafkaConsumer?
        if !ends.isEmpty {
            configuration.subscription = .partitions(
                ends.keys.map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
            configuration.extraProperties = ["fetch.wait.max.ms": "50"]
            reader = try? KafkaConsumer(connection: connection, configuration: configuration, logger: logger)
        }
        let follower = RegistryFollower(
            connection: connection, prefix: prefix, registry: registry, metadata: metadata, clientID: clientID, logger: logger)
        var complete = ends.isEmpty
        if let reader {
            while !ends.allSatisfy({ registry.hasRead(partition: $0.key, offset: $0.value) }), ContinuousClock.now < deadline {
                for message in await reader.nextBatch(maxCount: 500, waitingAtMost: .milliseconds(100)) {
                    await follower.apply(message)
                    registry.markRead(partition: message.partition, next: message.offset + 1)
                }
            }
            complete = ends.allSatisfy { registry.hasRead(partition: $0.key, offset: $0.value) }
            await reader.close()
        }
        await metadata.close()
        if !complete { logger.warning("the registry was not read to its end in time; types found later are added while running") }
        return complete
    }

    /// The offset of each non-empty partition's last record; nil when the topic is unknown.
    private static func lastOffsets(of topic: String, metadata: KafkaConsumer) async -> [Int32: Int64]? {
        guard let partitions = await metadata.existingPartitionCount(of: topic) else { return nil }
        var ends: [Int32: Int64] = [:]
        for partition in 0..<partitions {
            guard let marks = try? await metadata.watermarks(TopicPartition(topic: topic, partition: partition), timeout: .seconds(3)) else {
                return nil
            }
            if marks.high > marks.low { ends[partition] = marks.high - 1 }
        }
        return ends
    }
}
