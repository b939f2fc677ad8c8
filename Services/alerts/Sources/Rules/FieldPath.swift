import EDMEvents

/// A field of an event envelope a rule reads: a top-level field (`sessionId`, `type`,
/// `source`) or a property (`properties.buttonId`, or just `buttonId` / `deviceType`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public enum Location: Sendable, Hashable {
        case envelope(String)
        case property(String)
    }

    public let location: Location

    /// Envelope fields a rule may read (the others are ids and times, useless as keys).
    public static let envelopeFields = ["sessionId", "type", "source"]

    /// Resolves `text` against the fields of `kind`; nil when the type has no such field.
    public init?(_ text: String, kind: any EventProperties.Type) {
        let propertyNames = Set(kind.fieldRules.map(\.name))
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
    }

    /// The field's value as text; nil when the event lacks it.
    public func value(in event: EventEnvelope) -> String? {
        switch location {
        case .envelope("sessionId"): return event.sessionId
        case .envelope("type"): return event.type
        case .envelope("source"): return event.source.rawValue
        case .envelope: return nil
        case .property(let name):
            // The storefront's fields without building the properties' JSON (a hot path).
            if let click = event.properties as? ClickProperties {
                if name == "buttonId" { return click.buttonId }
                if name == "description" { return click.description }
            } else if let pageLoad = event.properties as? PageLoadProperties {
                switch name {
                case "deviceType": return pageLoad.deviceType.rawValue
                case "url": return pageLoad.url
                case "userAgent": return pageLoad.userAgent
                case "description": return pageLoad.description
                default: break
                }
            }
            switch event.properties.fieldValues[name] {
            case .string(let text)?: return text
            case .integer(let number)?: return String(number)
            case .bool(let flag)?: return flag ? "true" : "false"
            default: return nil
            }
        }
    }

    public var description: String {
        switch location {
        case .envelope(let name): name
        case .property(let name): "properties.\(name)"
        }
    }
}
