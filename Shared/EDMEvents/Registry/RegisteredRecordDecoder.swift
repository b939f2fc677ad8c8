import Foundation

/// One record of a registered type's topic, read back as the relay wrote it
/// (``RegisteredEventParser`` envelope plus `typeVersion`).
public struct RegisteredRecord: Sendable {
    public let type: String
    public let typeVersion: Int
    public let id: UUID
    public let sessionId: String
    /// Milliseconds since 1970.
    public let receivedAt: Int64
    /// The event's `properties` object.
    public let properties: JSONValue
    /// The whole envelope, canonical JSON (sorted keys, one line).
    public let json: [UInt8]
}

/// Turns a record of a registered type's topic into a ``RegisteredRecord`` or a ``SkipReason``
/// (never throws or traps, like ``EventRecordDecoder``). It checks the envelope, not the
/// properties against the schema: the relay validated them against the version named by
/// `typeVersion`, and a consumer re-validating against a newer version would refuse events
/// that were valid when accepted.
public struct RegisteredRecordDecoder: Sendable {
    public init() {}

    /// - Parameter type: the registered type whose topic the record was read from.
    public func decode(_ bytes: [UInt8]?, type: String) -> Result<RegisteredRecord, SkipReason> {
        guard let bytes else { return .failure(.tombstone) }
        guard let value = try? JSONValue.parse(Data(bytes)) else { return .failure(.malformedJSON) }
        guard case .object(let root) = value else { return .failure(.invalidEvent) }
        guard let schemaVersion = root["schemaVersion"]?.int64Value else { return .failure(.invalidEvent) }
        guard schemaVersion <= Int64(EventEnvelope.currentSchemaVersion) else { return .failure(.unsupportedSchemaVersion) }
        guard let name = root["type"]?.stringValue else { return .failure(.invalidEvent) }
        guard name == type else { return .failure(.topicMismatch) }
        guard let typeVersion = root[RegisteredEventParser.typeVersionKey]?.int64Value, (1...Int64(Int32.max)).contains(typeVersion),
            let idText = root["id"]?.stringValue, let id = UUID(uuidString: idText),
            let sessionId = root["sessionId"]?.stringValue, (1...128).contains(sessionId.unicodeScalars.count),
            let occurredText = root["occurredAt"]?.stringValue, EventTimestamp.milliseconds(from: occurredText) != nil,
            let receivedText = root["receivedAt"]?.stringValue, let receivedAt = EventTimestamp.milliseconds(from: receivedText),
            root["source"]?.stringValue != nil,
            let properties = root["properties"], properties.objectValue != nil
        else { return .failure(.invalidEvent) }
        return .success(
            RegisteredRecord(
                type: name, typeVersion: Int(typeVersion), id: id, sessionId: sessionId, receivedAt: receivedAt,
                properties: properties, json: value.serializedBytes()))
    }
}
