import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent Kafka producer whose `send` returns only once the broker acknowledged the
/// message (acks=all), or throws. Delivery reports are served by a dedicated thread blocking
/// in `rd_kafka_poll`, so an awaited send has no polling floor on its latency.
///
/// As a ServiceLifecycle `Service` it flushes outstanding messages on graceful shutdown; list
/// it before the services that send through it so it stops after them.
public final class KafkaProducer: Service, Sendable {
    private let client: NativeClient
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger
    /// Guards every use of the handle against a concurrent close.
    private let handleGuard = HandleGuard()
    private let closeStarted = Atomic<Bool>(false)
    private let pollThread: PollThread

    public init(
        connection: KafkaConnection, configuration: KafkaProducerConfiguration = .init(),
        logger: Logger = Logger(label: "edm.kafka.producer")
    ) throws(KafkaError) {
        let native = try NativeConfiguration(
            connection: connection, clientID: configuration.clientID, properties: configuration.properties)
        rd_kafka_conf_set_dr_msg_cb(native.pointer) { _, message, _ in
            guard let message, let opaque = message.pointee._private else { return }
            let slot = Unmanaged<DeliverySlot>.fromOpaque(opaque).takeRetainedValue()
            let result: Result<DeliveryReport, KafkaError>
            if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                result = .success(DeliveryReport(
                    topic: String(cString: rd_kafka_topic_name(message.pointee.rkt)),
                    partition: message.pointee.partition, offset: message.pointee.offset))
            } else {
                result = .failure(KafkaError(kind: .delivery, error: message.pointee.err))
            }
            slot.group.complete(slot.index, with: result)
        }
        let context = ClientContext(logger: logger)
        client = try NativeClient(type: RD_KAFKA_PRODUCER, configuration: native, context: context)
        self.configuration = configuration
        self.logger = logger
        let client = self.client
        pollThread = PollThread(name: "edm-kafka-producer-poll") { rd_kafka_poll(client.handle, 500) }
    }

    /// Sends one message and waits for the broker's acknowledgement.
    /// - Throws: `KafkaError` (`.queueFull`, `.delivery`, `.closed`, `.enqueue`).
    @discardableResult
    public func send(_ message: KafkaOutgoingMessage) async throws -> DeliveryReport {
        try await send([message])[0].get()
    }

    /// Enqueues every message, then waits until each has been acknowledged or has failed.
    /// Results are in input order; one failure does not stop the others.
    public func send(_ messages: [KafkaOutgoingMessage]) async -> [Result<DeliveryReport, KafkaError>] {
        guard !messages.isEmpty else { return [] }
        let group = DeliveryGroup(count: messages.count)
        for (index, message) in messages.enumerated() {
            if let error = await enqueueWaitingForRoom(message, slot: DeliverySlot(group: group, index: index)) {
                group.complete(index, with: .failure(error))
            }
        }
        return await group.wait()
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
        let pollThread = self.pollThread
        let handleGuard = self.handleGuard
        _ = try? await BlockingExecutor.run {
            handleGuard.retire {
                rd_kafka_purge(client.handle, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                pollThread.stop { rd_kafka_yield(client.handle) }
                // Serve the purge reports so every waiter is resumed with an error.
                rd_kafka_flush(client.handle, 1000)
                client.destroy()
            }
        }
        logger.info("producer closed")
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Enqueues, retrying while librdkafka's local queue is full for at most `enqueueTimeout`.
    private func enqueueWaitingForRoom(_ message: KafkaOutgoingMessage, slot: DeliverySlot) async -> KafkaError? {
        let deadline = ContinuousClock.now + configuration.enqueueTimeout
        var backoff = Duration.microseconds(200)
        while true {
            let opaque = Unmanaged.passRetained(slot).toOpaque()
            let code = enqueue(message, opaque: opaque)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR { return nil }
            Unmanaged<DeliverySlot>.fromOpaque(opaque).release()
            guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                return code == RD_KAFKA_RESP_ERR__DESTROY
                    ? KafkaError.closedError : KafkaError(kind: .enqueue, error: code, context: "produce to \(message.topic)")
            }
            if ContinuousClock.now >= deadline {
                return KafkaError(kind: .queueFull, error: code, context: "local queue full for \(configuration.enqueueTimeout)")
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .milliseconds(20))
        }
    }

    private func enqueue(_ message: KafkaOutgoingMessage, opaque: UnsafeMutableRawPointer) -> rd_kafka_resp_err_t {
        (try? handleGuard.use { ProduceCall.produce(client.handle, message, opaque: opaque) }) ?? RD_KAFKA_RESP_ERR__DESTROY
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable (NativeClient) throws -> T) async throws -> T {
        let client = self.client
        let handleGuard = self.handleGuard
        return try await BlockingExecutor.run { try handleGuard.use { try work(client) } }
    }
}
