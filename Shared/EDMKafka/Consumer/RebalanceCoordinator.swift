import CRdKafka
import Dispatch
import Logging
import Synchronization

/// Serves librdkafka's rebalance callback: runs the service's hook, then applies the
/// (possibly seeked) assignment, keeping the buffer free of partitions this member lost.
final class RebalanceCoordinator: Sendable {
    let handler: RebalanceHandler?
    let buffer: MessageBuffer
    private let assigned = Mutex<Set<TopicPartition>>([])

    init(handler: RebalanceHandler?, buffer: MessageBuffer) {
        self.handler = handler
        self.buffer = buffer
    }

    var assignment: Set<TopicPartition> { assigned.withLock { $0 } }

    func setAssignment(_ partitions: Set<TopicPartition>) {
        assigned.withLock { $0 = partitions }
    }

    /// Called on the poll thread from inside `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`.
    func rebalance(
        handle: OpaquePointer, code: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, logger: Logger
    ) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        let topicPartitions = PartitionList.read(partitions).map(\.topicPartition)
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if let handler {
                let offsets = Self.waitFor { await handler.onAssign(topicPartitions) }
                for index in 0..<Int(partitions.pointee.cnt) {
                    let element = partitions.pointee.elems[index]
                    let key = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
                    if let offset = offsets[key] {
                        partitions.pointee.elems[index].offset = offset
                    }
                }
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(handle, partitions) {
                    logger.error("incremental assign failed", metadata: ["error": "\(KafkaError(kind: .operation, consuming: error))"])
                }
            } else {
                rd_kafka_assign(handle, partitions)
            }
            assigned.withLock { $0.formUnion(topicPartitions) }
            logger.info("partitions assigned", metadata: ["partitions": "\(topicPartitions.sorted())"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            buffer.discard(partitions: Set(topicPartitions))
            if let handler {
                Self.waitFor { await handler.onRevoke(topicPartitions) }
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, partitions) {
                    logger.error("incremental unassign failed", metadata: ["error": "\(KafkaError(kind: .operation, consuming: error))"])
                }
            } else {
                rd_kafka_assign(handle, nil)
            }
            assigned.withLock { $0.subtract(topicPartitions) }
            logger.info("partitions revoked", metadata: ["partitions": "\(topicPartitions.sorted())"])
        default:
            logger.error("rebalance error", metadata: ["error": "\(KafkaError(kind: .operation, error: code))"])
            buffer.discard(partitions: assignment)
            rd_kafka_assign(handle, nil)
            setAssignment([])
        }
    }

    /// Runs an async hook to completion from the poll thread (a dedicated OS thread, so
    /// blocking it is fine and keeps the rebalance ordered before the assignment change).
    @discardableResult
    private static func waitFor<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<T?>(nil)
        Task {
            let value = await work()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }
}
