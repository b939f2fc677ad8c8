import EDMEvents

/// A field of an event envelope a rule reads: a top-level field (`sessionId`, `type`,
/// `source`) or a property (`properties.buttonId`, or just `buttonId` / `deviceType`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Location: Sendable, Hashable {
        case envelope(String)
        case property(String)
    }

    public let location: Location
    /// How ``value(in:)`` reads the field, decided once (it runs per event and rule).
    private let accessor: Accessor

    private enum Accessor: Sendable, Hashable {
        case sessionId, type, source, unknownEnvelopeField
        case buttonId, deviceType, url, userAgent, description
        case property(String)

        init(_ location: Location) {
            switch location {
            case .envelope("sessionId"): self = .sessionId
            case .envelope("type"): self = .type
            case .envelope("source"): self = .source
            case .envelope: self = .unknownEnvelopeField
            case .property("buttonId"): self = .buttonId
            case .property("deviceType"): self = .deviceType
            case .property("url"): self = .url
            case .property("userAgent"): self = .userAgent
            case .property("description"): self = .description
            case .property(let name): self = .property(name)
            }
        }
    }

    /// Envelope fields a rule may read (the others are ids and times, useless as keys).
    public static let envelopeFields = ["sessionId", "type", "source"]

    /// Resolves `text` against the fields of `kind`; nil when the type has no such field.
    public init?(_ text: String, kind: any EventProperties.Type) {
        let propertyNames = Set(kind.fieldRules.map(\.name))
        let location: Location
        if text.hasPrefix("properties.") {
            let name = String(text.dropFirst("properties.".count))
            guard propertyNames.contains(name) else { return nil }
            location = .property(name)
        } else if Self.envelopeFields.contains(text) {
            location = .envelope(text)
        } else if propertyNames.contains(text) {
            location = .property(text)
        } else {
            return nil
        }
        self.location = location
        accessor = Accessor(location)
    }

    /// The field's value as text; nil when the event lacks it.
    public func value(in event: EventEnvelope) -> String? {
        // The storefront's fields without building the properties' JSON (a hot path).
        switch accessor {
        case .sessionId: return event.sessionId
        case .type: return event.type
        case .source: return event.source.rawValue
        case .unknownEnvelopeField: return nil
        case .buttonId:
            if let click = event.properties as? ClickProperties { return click.buttonId }
        case .deviceType:
            if let pageLoad = event.properties as? PageLoadProperties { return pageLoad.deviceType.rawValue }
        case .url:
            if let pageLoad = event.properties as? PageLoadProperties { return pageLoad.url }
        case .userAgent:
            if let pageLoad = event.properties as? PageLoadProperties { return pageLoad.userAgent }
        case .description:
            if let click = event.properties as? ClickProperties { return click.description }
            if let pageLoad = event.properties as? PageLoadProperties { return pageLoad.description }
        case .property: break
        }
        guard case .property(let name) = location else { return nil }
        switch event.properties.fieldValues[name] {
        case .string(let text)?: return text
        case .integer(let number)?: return String(number)
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return nil
        }
    }

    public var description: String {
        switch location {
        case .envelope(let name): name
        case .property(let name): "properties.\(name)"
        }
    }
}
