import Foundation

/// Ids for events that arrive without one on a topic (raw reference-relay payloads written by
/// another Kafka client): derived from the record's position, so stats and stream, and every
/// redelivery of the record, give the event the same id, and readers can deduplicate it.
public enum RecordEventID {
    public static func make(topic: String, partition: Int32, offset: Int64) -> UUID {
        DerivedEventID.make(namespace: "edm-record", [topic, "\(partition):\(offset)"])
    }
}
