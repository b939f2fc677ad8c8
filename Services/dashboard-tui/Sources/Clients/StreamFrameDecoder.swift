import EDMEvents

/// Decodes the stream's text frames: an event (the canonical envelope, strictly validated by
/// `EventEnvelope.decode`) or a control frame (an object with `kind`, which events never have).
/// Never throws: anything else becomes ``StreamFrame/undecodable(reason:)`` and is counted.
public enum StreamFrameDecoder {
    public static func decode(_ text: String) -> StreamFrame {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            return .undecodable(reason: "malformed JSON: \(error)")
        }
        guard let object = value.objectValue else { return .undecodable(reason: "not a JSON object") }
        if let kind = object["kind"] {
            return control(kind.stringValue ?? "", object)
        }
        do {
            let envelope = try EventEnvelope.decode(value, registry: .all)
            if let alert = envelope.properties(as: AlertProperties.self) {
                return .alert(AlertBoard.Entry(envelope: envelope, alert: alert))
            }
            return .event(LiveEvent(envelope: envelope))
        } catch .unknownType {
            // A type registered at runtime: the same envelope plus `typeVersion`.
            guard let event = LiveEvent(registered: object) else {
                return .undecodable(reason: "an event of an unknown type without a registered type's envelope")
            }
            return .event(event)
        } catch {
            return .undecodable(reason: error.description)
        }
    }

    static func control(_ kind: String, _ object: [String: JSONValue]) -> StreamFrame {
        switch kind {
        case "live":
            return .live(replayed: Int(clamping: object["replayed"]?.int64Value ?? 0), cursor: object["cursor"]?.stringValue)
        case "checkpoint":
            guard let cursor = object["cursor"]?.stringValue else { return .undecodable(reason: "checkpoint without a cursor") }
            return .checkpoint(cursor: cursor)
        case "gap":
            return .gap(missed: object["missed"]?.int64Value ?? 0)
        case "dropped":
            return .dropped(count: Int(clamping: object["count"]?.int64Value ?? 0))
        case "error":
            return .error(code: object["code"]?.stringValue ?? "error", message: object["message"]?.stringValue ?? "")
        default:
            return .otherControl(kind: kind)
        }
    }
}
