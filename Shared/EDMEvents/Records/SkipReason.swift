/// Why a Kafka record is not an event a consumer acts on. One type and one label set for every
/// consumer (`*_messages_skipped_total{reason}` in stats, stream and any later consumer), so the
/// same poison message is counted under the same name everywhere.
///
/// A skipped record still moves its partition's position forward: nothing can stall a partition.
public enum SkipReason: String, Error, Sendable, Hashable, CaseIterable, Codable {
    /// A null value (a delete marker on compacted topics).
    case tombstone
    /// Not JSON at all (garbage bytes, truncated text, invalid UTF-8).
    case malformedJSON = "malformed_json"
    /// JSON, but neither a valid envelope nor a valid reference-relay payload.
    case invalidEvent = "invalid_event"
    /// An event type this build does not know (a newer producer).
    case unknownType = "unknown_type"
    /// A schemaVersion newer than this build understands.
    case unsupportedSchemaVersion = "unsupported_schema_version"
    /// A valid event on another type's topic (the relay never does this).
    case topicMismatch = "topic_mismatch"
    /// A topic whose name is not one of the registered event topics.
    case unknownTopic = "unknown_topic"
    /// The consumer's own store refused this one event (stats: a PostgreSQL data error, found by
    /// splitting its batch); skipped so one bad value cannot stop the partition.
    case storageRejected = "storage_rejected"

    /// The reasons a decoder can give; `storageRejected` is decided later, by a store.
    public static let decodeReasons: [SkipReason] = allCases.filter { $0 != .storageRejected }
}
