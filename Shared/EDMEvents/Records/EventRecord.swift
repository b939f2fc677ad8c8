import Foundation

/// The parts of a Kafka record that decide which event it holds. Kept free of the Kafka binding
/// so that every consumer, and tests, can build one.
public struct EventRecord: Sendable, Hashable {
    /// The topic as named on the cluster (prefixed).
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var value: [UInt8]?
    /// The record's Kafka timestamp; the `receivedAt` of a raw reference-relay payload.
    public var timestampMilliseconds: Int64?

    public init(topic: String, partition: Int32, offset: Int64, value: [UInt8]?, timestampMilliseconds: Int64?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.value = value
        self.timestampMilliseconds = timestampMilliseconds
    }
}
