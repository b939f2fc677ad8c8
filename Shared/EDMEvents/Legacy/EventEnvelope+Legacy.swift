extension EventEnvelope {
    /// The event in the reference relay's format: the exact inverse of parsing a legacy payload
    /// (`parse(legacy) -> legacyPayload() == legacy` as JSON values), and a best-effort legacy
    /// view of v1 events for tools that only speak the old format.
    ///
    /// Built from the typed fields through their `legacyName`s, then overlaid with
    /// ``EventExtras`` (extras win, which is how a numeric-string `event_timestamp` or a
    /// `"description": null` comes back as sent). `id`, `receivedAt`, `source` and derived fields
    /// such as `deviceType` have no legacy form and are left out.
    public func legacyPayload() -> JSONValue {
        let values = properties.fieldValues
        var legacyProperties: [String: JSONValue] = [:]
        for rule in kind.fieldRules {
            if let legacyName = rule.legacyName, let value = values[rule.name] {
                legacyProperties[legacyName] = value
            }
        }
        legacyProperties.merge(extras.properties) { _, extra in extra }
        var root: [String: JSONValue] = [
            "topic": .string(kind.topicBase),
            "uuid": .string(sessionId),
            "event_timestamp": .integer(EventTimestamp.milliseconds(from: occurredAt)),
            "properties": .object(legacyProperties),
        ]
        root.merge(extras.topLevel) { _, extra in extra }
        return .object(root)
    }
}
