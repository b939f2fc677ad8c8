import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent Kafka producer whose `send` returns only once the broker acknowledged the
/// message (acks=all), or throws. Delivery reports are served as soon as librdkafka queues them
/// (``DeliveryPoller``), so an awaited send has no polling floor on its latency.
///
/// As a ServiceLifecycle `Service` it flushes outstanding messages on graceful shutdown; list
/// it before the services that send through it so it stops after them.
public final class KafkaProducer: Service, Sendable {
    private let client: NativeClient
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger
    /// Guards every use of the handle against a concurrent close.
    private let handleGuard: HandleGuard
    private let closeStarted = Atomic<Bool>(false)
    private let topicHandles = TopicHandles()
    private let poller: DeliveryPoller

    public init(
        connection: KafkaConnection, configuration: KafkaProducerConfiguration = .init(),
        logger: Logger = Logger(label: "edm.kafka.producer")
    ) throws(KafkaError) {
        let native = try NativeConfiguration(
            connection: connection, clientID: configuration.clientID, properties: configuration.properties)
        rd_kafka_conf_set_dr_msg_cb(native.pointer) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let slot = DeliveryGroup.slot(from: opaque)
            let group = slot.group.takeUnretainedValue()
            let result: Result<DeliveryReport, KafkaError>
            if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                result = .success(DeliveryReport(
                    topic: group.topics[slot.index],
                    partition: message.pointee.partition, offset: message.pointee.offset))
            } else {
                result = .failure(KafkaError(kind: .delivery, error: message.pointee.err))
            }
            group.complete(slot.index, with: result)
        }
        let context = ClientContext(logger: logger)
        let client = try NativeClient(type: RD_KAFKA_PRODUCER, configuration: native, context: context)
        self.client = client
        self.configuration = configuration
        self.logger = logger
        let handleGuard = HandleGuard()
        self.handleGuard = handleGuard
        poller = DeliveryPoller(client: client, handleGuard: handleGuard)
    }

    /// Sends one message and waits for the broker's acknowledgement.
    /// - Throws: `KafkaError` (`.queueFull`, `.delivery`, `.closed`, `.enqueue`).
    @discardableResult
    public func send(_ message: KafkaOutgoingMessage) async throws -> DeliveryReport {
        try await send([message])[0].get()
    }

    /// Enqueues every message, then waits until each has been acknowledged or has failed.
    /// Results are in input order; one failure does not stop the others. While librdkafka's
    /// local queue is full, enqueueing waits (at most `enqueueTimeout` without progress).
    public func send(_ messages: [KafkaOutgoingMessage]) async -> [Result<DeliveryReport, KafkaError>] {
        guard !messages.isEmpty else { return [] }
        let group = DeliveryGroup(topics: messages.map(\.topic))
        var next = 0
        var deadline: ContinuousClock.Instant?
        var backoff = Duration.microseconds(200)
        while next < messages.count {
            let (enqueued, stop) = enqueueRun(messages, from: next, group: group)
            next += enqueued
            if enqueued > 0 {
                deadline = nil
                backoff = .microseconds(200)
            }
            guard let stop else { break }
            if stop == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                let limit = deadline ?? ContinuousClock.now + configuration.enqueueTimeout
                deadline = limit
                if ContinuousClock.now >= limit {
                    let error = KafkaError(kind: .queueFull, error: stop, context: "local queue full for \(configuration.enqueueTimeout)")
                    for index in next..<messages.count { group.complete(index, with: .failure(error)) }
                    break
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .milliseconds(20))
            } else if stop == RD_KAFKA_RESP_ERR__DESTROY {
                for index in next..<messages.count { group.complete(index, with: .failure(KafkaError.closedError)) }
                break
            } else {
                group.complete(next, with: .failure(KafkaError(kind: .enqueue, error: stop, context: "produce to \(messages[next].topic)")))
                next += 1
            }
        }
        return await group.wait()
    }

    /// Enqueues from `start` under one read lock until done or the first refusal, which it
    /// returns (nil when all were enqueued).
    private func enqueueRun(
        _ messages: [KafkaOutgoingMessage], from start: Int, group: DeliveryGroup
    ) -> (enqueued: Int, stop: rd_kafka_resp_err_t?) {
        let handle = client.handle
        let outcome = try? handleGuard.use { () -> (Int, rd_kafka_resp_err_t?) in
            var topicName: String?
            var topic: OpaquePointer?
            for index in start..<messages.count {
                if messages[index].topic != topicName {
                    topicName = messages[index].topic
                    topic = topicHandles.handle(for: messages[index].topic, client: handle)
                }
                guard let topic else { return (index - start, RD_KAFKA_RESP_ERR__INVALID_ARG) }
                let code = ProduceCall.produce(handle, topic: topic, messages[index], opaque: group.opaque(for: index))
                if code != RD_KAFKA_RESP_ERR_NO_ERROR { return (index - start, code) }
            }
            return (messages.count - start, nil)
        }
        return outcome ?? (0, RD_KAFKA_RESP_ERR__DESTROY)
    }

    /// The fatal error of this idempotent producer, nil while it has none. Once set, every send
    /// fails (`_FATAL`) for good: the owner must replace the producer or restart the process.
    public var fatalError: KafkaError? {
        try? handleGuard.use { () -> KafkaError? in
            var buffer = [CChar](repeating: 0, count: 512)
            let code = rd_kafka_fatal_error(client.handle, &buffer, buffer.count)
            guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return KafkaError(
                kind: .fatal, code: code.rawValue, codeName: String(cString: rd_kafka_err2name(code)), message: reason)
        } ?? nil
    }

    /// Puts the producer in librdkafka's fatal state, as a broker fencing it would: for tests
    /// of what its owner does then (`rd_kafka_test_fatal_error`; there is no other practical way).
    public func triggerFatalErrorForTesting(reason: String = "triggered by a test") {
        _ = try? handleGuard.use {
            rd_kafka_test_fatal_error(client.handle, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason)
        }
    }

    /// Messages enqueued locally and not yet acknowledged (for metrics and readiness).
    public var queueDepth: Int {
        (try? handleGuard.use { Int(rd_kafka_outq_len(client.handle)) }) ?? 0
    }

    /// The most recent broker-level error librdkafka reported (e.g. all brokers down).
    public var latestClientError: KafkaError? { client.context.latestError }

    /// Asks the cluster for metadata: true when a broker answers within `timeout`.
    public func isBrokerReachable(timeout: Duration = .seconds(2)) async -> Bool {
        (try? await blocking { client in try client.partitionCounts(topics: [], timeout: timeout) }) != nil
    }

    /// Partition count per topic, from cluster metadata.
    public func partitionCounts(topics: [String]? = nil, timeout: Duration = .seconds(5)) async throws -> [String: Int32] {
        try await blocking { client in try client.partitionCounts(topics: topics, timeout: timeout) }
    }

    /// The partition count of `topic`, asking about that topic alone: a broker that allows
    /// auto-creation (the mock cluster does) creates it on this request; nil when it does not
    /// exist afterwards (a cluster where clients cannot create topics).
    public func topicPartitionCount(_ topic: String, timeout: Duration = .seconds(5)) async throws -> Int32? {
        try await blocking { [topicHandles] client in
            guard let handle = topicHandles.handle(for: topic, client: client.handle) else {
                throw KafkaError(kind: .operation, message: "cannot create a handle for topic \(topic)")
            }
            return try client.topicPartitionCount(handle, timeout: timeout)
        }
    }

    /// Creates `topic` with `partitions` through the Kafka admin API (an existing topic is fine).
    /// Throws the broker's refusal, e.g. `TOPIC_AUTHORIZATION_FAILED` or
    /// `CLUSTER_AUTHORIZATION_FAILED` where clients may not create topics.
    public func createTopic(
        _ topic: String, partitions: Int32, config: [String: String] = [:], timeout: Duration = .seconds(10)
    ) async throws {
        try await blocking { client in try client.createTopic(topic, partitions: partitions, config: config, timeout: timeout) }
    }

    /// Waits until every enqueued message was acknowledged or failed, at most `timeout`.
    public func flush(timeout: Duration = .seconds(10)) async throws {
        let error = try await blocking { client in rd_kafka_flush(client.handle, Int32(timeout.milliseconds)) }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(kind: .operation, error: error, context: "flush")
        }
    }

    /// Flushes, fails whatever is still queued (so no `send` waits forever), and destroys the
    /// client. Safe to call more than once.
    public func close(flushTimeout: Duration = .seconds(10)) async {
        do {
            try await flush(timeout: flushTimeout)
        } catch {
            logger.warning("producer flush incomplete at close", metadata: ["error": "\(error)"])
        }
        guard !closeStarted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let client = self.client
        let poller = self.poller
        let handleGuard = self.handleGuard
        let topicHandles = self.topicHandles
        _ = try? await BlockingExecutor.run {
            handleGuard.retire {
                rd_kafka_purge(client.handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                poller.stop()
                // Serve the purge reports so every waiter is resumed with an error.
                rd_kafka_flush(client.handle, 1000)
                topicHandles.destroyAll()
                client.destroy()
            }
        }
        logger.info("producer closed")
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable (NativeClient) throws -> T) async throws -> T {
        let client = self.client
        let handleGuard = self.handleGuard
        return try await BlockingExecutor.run { try handleGuard.use { try work(client) } }
    }
}
