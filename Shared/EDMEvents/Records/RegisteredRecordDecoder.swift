import Foundation

/// One accepted record of a type registered at runtime, as the relay wrote it on the type's
/// topic (`<prefix>edm-ui-<type>`): the canonical envelope plus `typeVersion`.
public struct RegisteredRecord: Sendable, Equatable {
    public let type: String
    /// The registered schema version the relay checked the event against.
    public let typeVersion: Int
    public let id: UUID
    /// `occurredAt` and `receivedAt` in milliseconds since 1970.
    public let occurredAtMilliseconds: Int64
    public let receivedAtMilliseconds: Int64
    public let sessionId: String
    public let properties: [String: JSONValue]
    /// The whole envelope as read.
    public let envelope: [String: JSONValue]

    /// The envelope as canonical JSON (sorted keys, one line), for readers that forward it
    /// (stream); built on use, so counting readers do not pay for it.
    public var json: [UInt8] { JSONValue.object(envelope).serializedBytes() }
}

/// The consumers' decision for records on a registered type's topic (``EventRecordDecoder``
/// answers `unknown_topic` for them: it knows the built-in kinds only). The relay validated
/// `properties` against the type's schema at the edge, so only the envelope is checked here: a
/// consumer re-validating against a newer version would refuse events that were valid when
/// accepted. The same ``SkipReason``s as the built-in decoder, so skips are counted under one
/// label set; never throws or traps. Used by stats and stream.
public enum RegisteredRecordDecoder {
    /// The type a topic carries: `<prefix>edm-ui-<type>` minus the prefix; nil for any other topic.
    public static func typeName(forTopic topic: String, prefix: String) -> String? {
        let base = RegisteredType.topicBase(for: "")
        guard topic.hasPrefix(prefix) else { return nil }
        let rest = topic.dropFirst(prefix.count)
        guard rest.hasPrefix(base), rest.count > base.count else { return nil }
        return String(rest.dropFirst(base.count))
    }

    /// Decides a record of registered type `type` (read from the topic's name).
    public static func decode(_ record: EventRecord, type: String) -> Result<RegisteredRecord, SkipReason> {
        decode(record.value, type: type)
    }

    /// Decides a record's value bytes of registered type `type`.
    public static func decode(_ bytes: [UInt8]?, type: String) -> Result<RegisteredRecord, SkipReason> {
        guard let bytes else { return .failure(.tombstone) }
        guard let value = try? JSONValue.parse(Data(bytes)) else { return .failure(.malformedJSON) }
        guard let root = value.objectValue else { return .failure(.invalidEvent) }
        guard let schemaVersion = root["schemaVersion"]?.int64Value else { return .failure(.invalidEvent) }
        guard schemaVersion == Int64(EventEnvelope.currentSchemaVersion) else {
            return .failure(schemaVersion > Int64(EventEnvelope.currentSchemaVersion) ? .unsupportedSchemaVersion : .invalidEvent)
        }
        guard let recordType = root["type"]?.stringValue else { return .failure(.invalidEvent) }
        guard recordType == type else { return .failure(.topicMismatch) }
        guard let idText = root["id"]?.stringValue, let id = UUID(uuidString: idText),
            let version = root[RegisteredEventParser.typeVersionKey]?.int64Value, (1...Int64(Int32.max)).contains(version),
            let occurred = root["occurredAt"]?.stringValue.flatMap(EventTimestamp.date(from:)),
            let received = root["receivedAt"]?.stringValue.flatMap(EventTimestamp.date(from:)),
            let sessionId = root["sessionId"]?.stringValue, (1...128).contains(sessionId.unicodeScalars.count),
            root["source"]?.stringValue != nil,
            let properties = root["properties"]?.objectValue
        else { return .failure(.invalidEvent) }
        return .success(
            RegisteredRecord(
                type: type, typeVersion: Int(version), id: id,
                occurredAtMilliseconds: EventTimestamp.milliseconds(from: occurred),
                receivedAtMilliseconds: EventTimestamp.milliseconds(from: received), sessionId: sessionId,
                properties: properties, envelope: root))
    }
}
