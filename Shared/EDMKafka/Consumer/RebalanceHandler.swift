/// Hooks a service runs when the group moves partitions. Both run on the consumer's poll
/// thread *before* librdkafka changes the assignment, so a service that stores offsets
/// elsewhere (for example in PostgreSQL with its aggregates) can:
/// - on assign, return the offsets to start from (partitions left out start at the group's
///   committed offset);
/// - on revoke, finish and commit in-flight work before another member takes the partitions.
///
/// The hooks must not wait for messages from this consumer (that would deadlock the rebalance).
public struct RebalanceHandler: Sendable {
    public var onAssign: @Sendable ([TopicPartition]) async -> [TopicPartition: Int64]
    public var onRevoke: @Sendable ([TopicPartition]) async -> Void

    public init(
        onAssign: @escaping @Sendable ([TopicPartition]) async -> [TopicPartition: Int64] = { _ in [:] },
        onRevoke: @escaping @Sendable ([TopicPartition]) async -> Void = { _ in }
    ) {
        self.onAssign = onAssign
        self.onRevoke = onRevoke
    }
}
