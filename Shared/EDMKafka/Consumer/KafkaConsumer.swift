import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A Kafka consumer whose messages arrive as an `AsyncSequence`. A dedicated thread polls
/// librdkafka, copies each message out, and serves rebalances through `RebalanceHandler`
/// before the assignment changes. Offsets move only when the service stores them.
///
/// Iterate `messages` (or call `nextBatch`) from one task. As a ServiceLifecycle `Service` it
/// leaves the group cleanly on graceful shutdown, which also ends the iteration.
public final class KafkaConsumer: Service, Sendable {
    private let client: NativeClient
    private let buffer: MessageBuffer
    private let coordinator: RebalanceCoordinator
    private let configuration: KafkaConsumerConfiguration
    private let connection: KafkaConnection
    private let logger: Logger
    private let commands = Mutex<[@Sendable (OpaquePointer) -> Void]>([])
    private let stopRequested = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let handleGuard = HandleGuard()
    private let closeStarted = Atomic<Bool>(false)
    private let skippedErrors = Atomic<Int>(0)

    public init(
        connection: KafkaConnection, configuration: KafkaConsumerConfiguration,
        rebalanceHandler: RebalanceHandler? = nil,
        logger: Logger = Logger(label: "edm.kafka.consumer")
    ) throws(KafkaError) {
        let native = try NativeConfiguration(
            connection: connection, clientID: configuration.clientID, properties: configuration.properties)
        let buffer = MessageBuffer(capacity: configuration.bufferCapacity)
        let coordinator = RebalanceCoordinator(handler: rebalanceHandler, buffer: buffer)
        let context = ClientContext(logger: logger, rebalance: coordinator)
        rd_kafka_conf_set_rebalance_cb(native.pointer) { handle, code, partitions, _ in
            guard let handle, let partitions, let context = ClientContext.from(handle),
                let coordinator = context.rebalance
            else { return }
            coordinator.rebalance(handle: handle, code: code, partitions: partitions, logger: context.logger)
        }
        client = try NativeClient(type: RD_KAFKA_CONSUMER, configuration: native, context: context)
        self.buffer = buffer
        self.coordinator = coordinator
        self.configuration = configuration
        self.connection = connection
        self.logger = logger
        do {
            try start()
        } catch {
            client.destroy()
            throw error
        }
    }

    private func start() throws(KafkaError) {
        let handle = client.handle
        rd_kafka_poll_set_consumer(handle)
        switch configuration.subscription {
        case .group(_, let topics):
            let list = OwnedPartitionList(topics.map { TopicPartitionOffset(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: 0) })
            let error = rd_kafka_subscribe(handle, list.pointer)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(kind: .operation, error: error, context: "subscribe to \(topics)")
            }
        case .partitions(let offsets):
            let list = OwnedPartitionList(offsets)
            let error = rd_kafka_assign(handle, list.pointer)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(kind: .operation, error: error, context: "assign \(offsets)")
            }
            coordinator.setAssignment(Set(offsets.map(\.topicPartition)))
        }
        let thread = Thread { [self] in pollLoop() }
        thread.name = "edm-kafka-consumer-poll"
        thread.start()
    }

    // MARK: Reading

    /// The messages, in order per partition. Ends when the consumer closes or the task is cancelled.
    public var messages: KafkaMessageSequence { KafkaMessageSequence(buffer: buffer) }

    /// Up to `maxCount` buffered messages, waiting for at least one; empty once closed.
    public func nextBatch(maxCount: Int) async -> [KafkaMessage] {
        await buffer.next(maxCount: maxCount)
    }

    /// Partitions this member currently owns.
    public var assignment: Set<TopicPartition> { coordinator.assignment }

    /// Consumer-level errors (broker down, unknown topic, ...) seen and skipped so far.
    public var skippedErrorCount: Int { skippedErrors.load(ordering: .relaxed) }

    // MARK: Subscription

    /// Replaces a group member's topic list (a rebalance follows: the handler revokes and
    /// assigns as usual). For readers whose topics appear at runtime (stats follows the types
    /// registered while it runs); a partition-assigned consumer is refused.
    public func subscribe(topics: [String]) throws(KafkaError) {
        guard case .group = configuration.subscription else {
            throw KafkaError(kind: .operation, error: RD_KAFKA_RESP_ERR__INVALID_ARG, context: "subscribe: not a group consumer")
        }
        let list = OwnedPartitionList(topics.map { TopicPartitionOffset(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: 0) })
        let error: rd_kafka_resp_err_t
        do {
            error = try withOpenHandle { rd_kafka_subscribe($0, list.pointer) }
        } catch {
            throw KafkaError.closedError
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(kind: .operation, error: error, context: "subscribe to \(topics)")
        }
    }

    // MARK: Offsets

    /// Marks `message` as processed: the group's committed offset will move past it.
    public func storeOffset(_ message: KafkaMessage) throws {
        try storeOffsets([TopicPartitionOffset(message.topicPartition, offset: message.offset + 1)])
    }

    /// Stores next-offsets to commit (offset = the next message to read).
    public func storeOffsets(_ offsets: [TopicPartitionOffset]) throws {
        let list = OwnedPartitionList(offsets)
        let error = try withOpenHandle { rd_kafka_offsets_store($0, list.pointer) }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw list.firstError(context: "store offset") ?? KafkaError(kind: .operation, error: error, context: "store offsets")
        }
    }

    /// Commits the stored offsets now and waits for the broker.
    public func commit() async throws {
        try await blocking { handle in
            let error = rd_kafka_commit(handle, nil, 0)
            // Nothing stored since the last commit is not a failure.
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR__NO_OFFSET else {
                throw KafkaError(kind: .operation, error: error, context: "commit")
            }
        }
    }

    /// Commits exactly these next-offsets and waits for the broker.
    public func commit(_ offsets: [TopicPartitionOffset]) async throws {
        try await blocking { handle in
            let list = OwnedPartitionList(offsets)
            let error = rd_kafka_commit(handle, list.pointer, 0)
            if let partitionError = list.firstError(context: "commit") { throw partitionError }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(kind: .operation, error: error, context: "commit")
            }
        }
    }

    /// The group's committed next-offsets for these partitions (negative when none).
    public func committed(_ partitions: [TopicPartition], timeout: Duration = .seconds(10)) async throws -> [TopicPartition: Int64] {
        try await blocking { handle in
            let list = OwnedPartitionList(partitions.map { TopicPartitionOffset($0, offset: KafkaOffset.stored) })
            let error = rd_kafka_committed(handle, list.pointer, Int32(timeout.milliseconds))
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(kind: .operation, error: error, context: "committed offsets")
            }
            return Dictionary(uniqueKeysWithValues: list.entries.map { ($0.topicPartition, $0.offset) })
        }
    }

    // MARK: Positioning

    /// Moves owned partitions to these offsets (for replay). Runs on the poll thread between
    /// polls, so no message from before the seek is delivered after it returns.
    public func seek(_ offsets: [TopicPartitionOffset], timeout: Duration = .seconds(10)) async throws {
        try await onPollThread { [buffer] handle in
            let list = OwnedPartitionList(offsets)
            if let error = rd_kafka_seek_partitions(handle, list.pointer, Int32(timeout.milliseconds)) {
                throw KafkaError(kind: .operation, consuming: error, context: "seek")
            }
            if let error = list.firstError(context: "seek") { throw error }
            buffer.discard(partitions: Set(offsets.map(\.topicPartition)))
        }
    }

    /// For each partition, the earliest offset whose timestamp is at or after the given time
    /// (milliseconds since the epoch); `KafkaOffset.end` (-1) when no such message exists.
    /// Asks the broker (ListOffsets); where the broker cannot search by time (the mock cluster
    /// answers -1 for everything) a non-empty partition is searched by reading probe messages.
    public func offsets(forTimestamps timestamps: [TopicPartition: Int64], timeout: Duration = .seconds(10)) async throws -> [TopicPartition: Int64] {
        let connection = self.connection
        let client = self.client
        let (answered, unanswered) = try await blocking { handle -> ([TopicPartition: Int64], [TopicPartition]) in
            let list = OwnedPartitionList(timestamps.map { TopicPartitionOffset($0.key, offset: $0.value) })
            let error = rd_kafka_offsets_for_times(handle, list.pointer, Int32(timeout.milliseconds))
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(kind: .operation, error: error, context: "offsets for times")
            }
            if let partitionError = list.firstError(context: "offsets for times") { throw partitionError }
            let answered = Dictionary(uniqueKeysWithValues: list.entries.map { ($0.topicPartition, $0.offset) })
            var unanswered: [TopicPartition] = []
            for (partition, offset) in answered where offset < 0 {
                let marks = try client.watermarks(partition, timeout: timeout)
                if marks.high > marks.low { unanswered.append(partition) }
            }
            return (answered, unanswered)
        }
        guard !unanswered.isEmpty else { return answered }
        let searched = try await BlockingExecutor.run { () throws -> [TopicPartition: Int64] in
            let locator = try TimestampLocator(connection: connection, timeout: timeout)
            defer { locator.close() }
            var found: [TopicPartition: Int64] = [:]
            for partition in unanswered {
                found[partition] = try locator.locate(partition, atOrAfter: timestamps[partition]!)
            }
            return found
        }
        return answered.merging(searched) { _, searched in searched }
    }

    /// Low and high watermarks of a partition, asked of the broker.
    public func watermarks(_ partition: TopicPartition, timeout: Duration = .seconds(5)) async throws -> (low: Int64, high: Int64) {
        let client = self.client
        return try await blocking { _ in try client.watermarks(partition, timeout: timeout) }
    }

    /// Partition counts of topics from cluster metadata.
    public func partitionCounts(topics: [String]? = nil, timeout: Duration = .seconds(5)) async throws -> [String: Int32] {
        let client = self.client
        return try await blocking { _ in try client.partitionCounts(topics: topics, timeout: timeout) }
    }

    /// Lag per owned partition: the high watermark minus this member's position, from the
    /// figures librdkafka caches with each fetch (no broker round trip; for metrics).
    public func lag() throws -> [PartitionLag] {
        let owned = assignment.sorted()
        guard !owned.isEmpty else { return [] }
        return try withOpenHandle { handle in
            let list = OwnedPartitionList(owned.map { TopicPartitionOffset($0, offset: KafkaOffset.stored) })
            rd_kafka_position(handle, list.pointer)
            return list.entries.map { entry in
                var low: Int64 = -1
                var high: Int64 = -1
                rd_kafka_get_watermark_offsets(handle, entry.topicPartition.topic, entry.topicPartition.partition, &low, &high)
                return PartitionLag(partition: entry.topicPartition, position: entry.offset, highWatermark: high)
            }
        }
    }

    // MARK: Lifecycle

    /// Leaves the group (running the revoke hook and committing stored offsets), ends the
    /// message sequence and frees the client. Safe to call more than once.
    public func close() async {
        stopRequested.store(true, ordering: .releasing)
        guard !closeStarted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let client = self.client
        let stopped = self.stopped
        let handleGuard = self.handleGuard
        _ = try? await BlockingExecutor.run {
            stopped.wait()
            handleGuard.retire { client.destroy() }
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    // MARK: Poll thread

    private func pollLoop() {
        let handle = client.handle
        while !stopRequested.load(ordering: .acquiring) {
            runCommands(handle)
            if buffer.count >= buffer.capacity {
                buffer.waitForSpace(timeout: .milliseconds(100))
                continue
            }
            guard let message = rd_kafka_consumer_poll(handle, 100) else { continue }
            var batch: [KafkaMessage] = []
            var next: UnsafeMutablePointer<rd_kafka_message_t>? = message
            // Drain what is already fetched without waiting, then hand it over in one push.
            while let current = next {
                if let copied = copy(current) { batch.append(copied) }
                rd_kafka_message_destroy(current)
                next = batch.count < 512 ? rd_kafka_consumer_poll(handle, 0) : nil
            }
            buffer.push(batch)
        }
        runCommands(handle)
        let error = rd_kafka_consumer_close(handle)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("consumer close", metadata: ["error": "\(KafkaError(kind: .operation, error: error))"])
        }
        buffer.finish()
        stopped.signal()
    }

    /// Copies a message out of librdkafka's memory, or records its error and returns nil.
    private func copy(_ pointer: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaMessage? {
        let message = pointer.pointee
        guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if message.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                skippedErrors.add(1, ordering: .relaxed)
                let error = KafkaError(kind: .operation, error: message.err)
                client.context.record(error: error)
                logger.warning("consumer error", metadata: ["error": "\(error)"])
            }
            return nil
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(pointer, &timestampType)
        return KafkaMessage(
            topic: String(cString: rd_kafka_topic_name(message.rkt)),
            partition: message.partition,
            offset: message.offset,
            key: message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) },
            value: message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.len)) },
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp,
            headers: Self.headers(of: pointer))
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            result.append(KafkaHeader(
                key: name.map { String(cString: $0) } ?? "",
                value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
            index += 1
        }
        return result
    }

    private func runCommands(_ handle: OpaquePointer) {
        let pending = commands.withLock { commands in
            defer { commands.removeAll() }
            return commands
        }
        for command in pending { command(handle) }
    }

    /// Runs `work` on the poll thread between two polls and returns its result.
    private func onPollThread<T: Sendable>(_ work: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        guard !stopRequested.load(ordering: .acquiring) else { throw KafkaError.closedError }
        return try await withCheckedThrowingContinuation { continuation in
            commands.withLock { commands in
                commands.append { handle in continuation.resume(with: Result { try work(handle) }) }
            }
        }
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        let client = self.client
        let handleGuard = self.handleGuard
        return try await BlockingExecutor.run {
            try handleGuard.use { try work(client.handle) }
        }
    }

    private func withOpenHandle<T>(_ work: (OpaquePointer) throws -> T) throws -> T {
        try handleGuard.use { try work(client.handle) }
    }
}

/// How far a member is behind the end of a partition.
public struct PartitionLag: Sendable, Hashable {
    public var partition: TopicPartition
    /// The next offset this member will read (negative when it has not fetched yet).
    public var position: Int64
    /// The offset the next produced message will get (-1 when not yet known).
    public var highWatermark: Int64

    public var lag: Int64? {
        guard highWatermark >= 0, position >= 0 else { return nil }
        return max(0, highWatermark - position)
    }
}

/// The consumer's messages as an AsyncSequence.
public struct KafkaMessageSequence: AsyncSequence, Sendable {
    public typealias Element = KafkaMessage
    let buffer: MessageBuffer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: MessageBuffer
        var pending: [KafkaMessage] = []
        var index = 0

        public mutating func next() async -> KafkaMessage? {
            if index == pending.count {
                pending = await buffer.next(maxCount: 256)
                index = 0
                if pending.isEmpty { return nil }
            }
            defer { index += 1 }
            return pending[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(buffer: buffer)
    }
}
