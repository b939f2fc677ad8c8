import EDMKafka
import Logging

/// Where each assigned partition starts reading: the first record written at or after
/// `rebuildFrom` (offsets for times), or the group's committed offset when that is earlier
/// (records after it may belong to windows that never closed, e.g. during a long outage).
/// Also the end each partition has now, which the watermark waits for while rebuilding.
struct StartPositions: Sendable {
    var starts: [TopicPartition: Int64]
    var ends: [TopicPartition: Int64]

    static func find(
        for partitions: [TopicPartition], rebuildFrom: Int64, consumer: KafkaConsumer, logger: Logger
    ) async throws -> StartPositions {
        let byTime = try await consumer.offsets(
            forTimestamps: Dictionary(uniqueKeysWithValues: partitions.map { ($0, rebuildFrom) }))
        let committed = try await consumer.committed(partitions)
        var result = StartPositions(starts: [:], ends: [:])
        for partition in partitions {
            let marks = try await consumer.watermarks(partition)
            var start = byTime[partition].flatMap { $0 >= 0 ? $0 : nil } ?? marks.high
            if let stored = committed[partition], stored >= 0 { start = min(start, stored) }
            start = min(max(start, marks.low), marks.high)
            result.starts[partition] = start
            result.ends[partition] = marks.high
        }
        logger.info(
            "rebuilding windows",
            metadata: [
                "records": "\(partitions.reduce(Int64(0)) { $0 + (result.ends[$1]! - result.starts[$1]!) })",
                "from_ms": "\(rebuildFrom)",
            ])
        return result
    }
}
