/// Why a message on an event topic was not counted. Every skipped message still moves its
/// partition's offset forward (in the same transaction), so nothing can stall a partition.
public enum SkipReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// A null value (a tombstone).
    case tombstone
    /// Not JSON at all (garbage bytes, truncated text, invalid UTF-8).
    case malformedJSON = "malformed_json"
    /// JSON, but not an event: wrong shape, missing or invalid fields.
    case invalidEvent = "invalid_event"
    /// An event type this build does not know (a newer producer).
    case unknownType = "unknown_type"
    /// A schemaVersion newer than this build understands.
    case unsupportedSchemaVersion = "unsupported_schema_version"
    /// A valid event on another type's topic (the relay never does this).
    case topicMismatch = "topic_mismatch"
    /// A topic stats does not know (only when subscribed to extra topics).
    case unknownTopic = "unknown_topic"
    /// PostgreSQL refused this one message with a data error (found by splitting its batch);
    /// skipped so one bad value cannot stop the partition.
    case storageRejected = "storage_rejected"
}
