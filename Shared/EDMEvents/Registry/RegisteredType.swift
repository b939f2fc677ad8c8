import Foundation

/// One version of a type registered at runtime: its schema and metadata, as stored in the
/// registry topic (``recordValue``) and served by `GET /v1/schemas/{type}/versions/{n}`.
public struct RegisteredType: Sendable, Hashable {
    /// Lowercase `[a-z][a-z0-9_-]*`, at most 64 characters; never a built-in type's name.
    public let name: String
    /// 1, 2, ...: each accepted registration adds one.
    public let version: Int
    /// The schema of the event's `properties`.
    public let schema: ObjectSchema
    public let owner: String
    public let description: String
    /// A top-level string property whose value is the Kafka message key (events with the same
    /// value stay in order on one partition); nil, or absent from an event: the `sessionId`.
    public let keyField: String?
    /// Top-level properties stats should count events by.
    public let countBy: [String]
    /// Partitions asked for when the type's topic is created.
    public let partitions: Int
    public let registeredAt: Date

    public init(
        name: String, version: Int, schema: ObjectSchema, owner: String, description: String, keyField: String?,
        countBy: [String], partitions: Int, registeredAt: Date
    ) {
        self.name = name
        self.version = version
        self.schema = schema
        self.owner = owner
        self.description = description
        self.keyField = keyField
        self.countBy = countBy
        self.partitions = partitions
        self.registeredAt = EventTimestamp.rounded(registeredAt)
    }

    /// The topic before `KAFKA_PREFIX`, in the built-in types' pattern (`edm-ui-signup`).
    public var topicBase: String { Self.topicBase(for: name) }

    public static func topicBase(for name: String) -> String { "edm-ui-" + name }

    /// The registry topic's record value, and the body of `GET .../versions/{n}`.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "type": .string(name),
            "version": .integer(Int64(version)),
            "schema": SchemaNode.object(schema).jsonValue,
            "owner": .string(owner),
            "description": .string(description),
            "countBy": .array(countBy.map(JSONValue.string)),
            "partitions": .integer(Int64(partitions)),
            "registeredAt": .string(EventTimestamp.string(from: registeredAt)),
        ]
        if let keyField { members["keyField"] = .string(keyField) }
        return .object(members)
    }

    /// Reads a stored record (written by ``jsonValue``); nil for anything else, which the
    /// registry skips with a log line rather than trusting.
    public static func fromRecord(_ value: JSONValue) -> RegisteredType? {
        guard let name = value["type"]?.stringValue, let version = value["version"]?.int64Value, version >= 1,
            let registeredText = value["registeredAt"]?.stringValue,
            let registeredAt = EventTimestamp.date(from: registeredText),
            let body = try? TypeRegistration.parse(value, name: name, defaultPartitions: 1)
        else { return nil }
        return RegisteredType(
            name: name, version: Int(version), schema: body.schema, owner: body.owner, description: body.description,
            keyField: body.keyField, countBy: body.countBy,
            partitions: value["partitions"]?.int64Value.map { Int($0) } ?? 1, registeredAt: registeredAt)
    }
}

extension RegisteredType {
    /// The registry topic before `KAFKA_PREFIX`: compacted, keyed `type/version`, one
    /// registration JSON (``jsonValue``) per record. The source of truth for registered types.
    public static let registryTopicBase = "edm-schemas"
}
