import CRdKafka

/// Finds the first offset at or after a timestamp by binary search over the partition, reading
/// one message per probe with a private, group-less consumer. Used when the broker cannot answer
/// ListOffsets by timestamp (librdkafka 2.0.2's mock cluster always answers -1); on a real
/// cluster `offsets_for_times` answers directly and this is never reached.
///
/// Assumes timestamps grow with offsets, as Kafka's own time index does.
struct TimestampLocator {
    let client: NativeClient
    let timeout: Duration

    init(connection: KafkaConnection, timeout: Duration) throws(KafkaError) {
        var configuration = KafkaConsumerConfiguration(subscription: .partitions([]))
        configuration.clientID = "edm-timestamp-locator"
        configuration.extraProperties = ["fetch.wait.max.ms": "10", "log_level": "3"]
        let native = try NativeConfiguration(
            connection: connection, clientID: configuration.clientID, properties: configuration.properties)
        client = try NativeClient(type: RD_KAFKA_CONSUMER, configuration: native, context: ClientContext(logger: .init(label: "edm.kafka.locator")))
        rd_kafka_poll_set_consumer(client.handle)
        self.timeout = timeout
    }

    func close() {
        _ = rd_kafka_consumer_close(client.handle)
        client.destroy()
    }

    /// The first offset whose timestamp is >= `timestamp`, or `KafkaOffset.end` (-1) if none.
    func locate(_ partition: TopicPartition, atOrAfter timestamp: Int64) throws(KafkaError) -> Int64 {
        let (low, high) = try client.watermarks(partition, timeout: timeout)
        var lower = low
        var upper = high
        while lower < upper {
            let middle = lower + (upper - lower) / 2
            guard let (offset, stamp) = try read(partition, at: middle) else { break }
            if stamp >= timestamp {
                upper = middle
            } else {
                lower = offset + 1
            }
        }
        return lower >= high ? KafkaOffset.end : lower
    }

    /// Offset and timestamp of the first message at or after `offset`, nil if none arrives.
    private func read(_ partition: TopicPartition, at offset: Int64) throws(KafkaError) -> (Int64, Int64)? {
        let list = OwnedPartitionList([TopicPartitionOffset(partition, offset: offset)])
        let error = rd_kafka_assign(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(kind: .operation, error: error, context: "assign for timestamp search")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = rd_kafka_consumer_poll(client.handle, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR, message.pointee.partition == partition.partition,
                message.pointee.offset >= offset
            else { continue }
            var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let stamp = rd_kafka_message_timestamp(message, &type)
            return (message.pointee.offset, stamp)
        }
        throw KafkaError(kind: .operation, code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, codeName: "_TIMED_OUT",
                         message: "no message read at \(partition)@\(offset) within \(timeout)")
    }
}
