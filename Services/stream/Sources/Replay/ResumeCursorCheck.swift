import EDMEvents
import EDMHTTP
import EDMKafka

/// Refuses, before the upgrade, a resume cursor that cannot be about this stream's log: one
/// naming topics or partitions it does not serve (another deployment's prefix, another system),
/// or positions past the end of a partition (another cluster, or the topic was recreated).
/// Resuming from such a cursor would silently skip or repeat events.
struct ResumeCursorCheck: Sendable {
    let metadata: KafkaConsumer

    /// - Throws: `APIError` 400 `foreign_cursor` with one detail per problem, or 503 when the
    ///   broker cannot be asked.
    func check(_ cursor: StreamCursor, feed positions: [TopicPartition: Int64]) async throws(APIError) {
        var details = Self.unknownPartitions(cursor, served: Set(positions.keys))
        if details.isEmpty {
            // A cursor from an instance a little ahead of this one is normal; only those are
            // asked about, so a normal resume costs no broker round trip.
            let ahead = cursor.partitionPositions.filter { $0.value > positions[$0.key, default: .max] }
            for (partition, offset) in ahead.sorted(by: { $0.key < $1.key }) {
                let high: Int64
                do {
                    high = try await metadata.watermarks(partition).high
                } catch {
                    throw .unavailable("could not check the cursor against the broker (\(error)); retry", retryAfterSeconds: 2)
                }
                if offset > high {
                    details.append(.init(
                        path: "resume",
                        message: "\(partition) is at \(offset) in the cursor but the partition ends at \(high): "
                            + "the cursor comes from another cluster, or the topic was recreated"))
                }
            }
        }
        guard details.isEmpty else {
            throw APIError(.badRequest, code: "foreign_cursor", message: "the cursor does not belong to this stream", details: details)
        }
    }

    static func unknownPartitions(_ cursor: StreamCursor, served: Set<TopicPartition>) -> [APIError.Detail] {
        let topics = Dictionary(grouping: served, by: \.topic).mapValues(\.count)
        var details: [APIError.Detail] = []
        for (topic, partitions) in cursor.positions.sorted(by: { $0.key < $1.key }) {
            guard let count = topics[topic] else {
                details.append(.init(
                    path: "resume",
                    message: "names topic \(topic.debugDescription), which this stream does not serve (it serves "
                        + topics.keys.sorted().joined(separator: ", ") + ")"))
                continue
            }
            for partition in partitions.keys.sorted() where !served.contains(TopicPartition(topic: topic, partition: partition)) {
                details.append(.init(path: "resume", message: "names partition \(partition) of \(topic), which has \(count)"))
            }
        }
        return details
    }
}
