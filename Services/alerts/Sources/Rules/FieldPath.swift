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
        case property(String)

        init(_ location: Location) {
            switch location {
            case .envelope("sessionId"): self = .sessionId
            case .envelope("type"): self = .type
            case .envelope("source"): self = .source
            case .envelope: self = .unknownEnvelopeField
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

    /// The field's value as text; nil when the event lacks it. Properties are read as the
    /// strings the kind's rules accepted (every field of the client kinds rules count is text),
    /// in place on the decoder's fast path.
    public func value(in event: EventFields) -> String? {
        switch accessor {
        case .sessionId: event.sessionId
        case .type: event.type
        case .source: event.source.rawValue
        case .unknownEnvelopeField: nil
        case .property(let name): event.string(name)
        }
    }

    public var description: String {
        switch location {
        case .envelope(let name): name
        case .property(let name): "properties.\(name)"
        }
    }
}
