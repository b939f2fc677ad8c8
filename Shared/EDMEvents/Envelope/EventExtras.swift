/// Parts of a legacy payload the typed envelope has no field for, kept verbatim so the original
/// payload can be rebuilt exactly (see ``EventEnvelope/legacyPayload()``).
///
/// - `topLevel`: keys beside `topic`/`uuid`/`event_timestamp`/`properties`, and
///   `event_timestamp` itself when the client sent it in a form `occurredAt` does not reproduce
///   (a numeric string, a fractional number).
/// - `properties`: unknown keys inside `properties`, and known optional keys sent as `null`.
///
/// On the wire: `"extras": {"properties": {...}, "topLevel": {...}}`, each member only when
/// non-empty and the whole field only when something is kept. v1 requests cannot set it (unknown
/// keys are violations there), so it is empty for `source: v1`.
public struct EventExtras: Sendable, Hashable {
    public var topLevel: [String: JSONValue]
    public var properties: [String: JSONValue]

    public init(topLevel: [String: JSONValue] = [:], properties: [String: JSONValue] = [:]) {
        self.topLevel = topLevel
        self.properties = properties
    }

    public static let none = EventExtras()

    public var isEmpty: Bool { topLevel.isEmpty && properties.isEmpty }

    static let fieldRules: [FieldRule] = [
        FieldRule(
            "topLevel", .anyObject, request: .forbidden, envelope: .optional,
            summary: "Unknown top-level keys of a legacy payload, verbatim."),
        FieldRule(
            "properties", .anyObject, request: .forbidden, envelope: .optional,
            summary: "Unknown or null keys inside a legacy payload's properties, verbatim."),
    ]

    var jsonValue: JSONValue {
        var members: [String: JSONValue] = [:]
        if !topLevel.isEmpty { members["topLevel"] = .object(topLevel) }
        if !properties.isEmpty { members["properties"] = .object(properties) }
        return .object(members)
    }
}
