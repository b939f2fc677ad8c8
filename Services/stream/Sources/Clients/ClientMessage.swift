import EDMEvents
import EDMRegistry

/// What a client may send: `{"filter": {"types": [...], "buttonId": [...], "deviceType": [...],
/// "sessionId": "..."}}` replaces its filter (`{"filter": {}}` or `{"filter": null}` clears it).
/// Each list member may also be a single string. Anything else is answered with an error frame.
enum ClientMessage: Equatable {
    case setFilter(StreamFilter)

    /// - Parameter registry: types registered at runtime, accepted in `types` too.
    static func parse(_ text: String, registry: SchemaRegistry? = nil) -> Result<ClientMessage, ClientMessageError> {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            return .failure(ClientMessageError(frame: .error(code: "malformed_json", message: error.description)))
        }
        guard let object = value.objectValue, object.count == 1, let filterValue = object["filter"] else {
            return .failure(ClientMessageError(frame: .error(
                code: "unknown_message",
                message: #"expected {"filter": {"types": [...], "buttonId": [...], "deviceType": [...], "sessionId": "..."}}"#)))
        }
        if case .null = filterValue { return .success(.setFilter(.all)) }
        guard let fields = filterValue.objectValue else {
            return .failure(ClientMessageError(frame: .error(code: "bad_filter", message: "filter must be an object or null")))
        }
        var builder = FilterBuilder(registered: registry)
        for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
            let path = "filter.\(key)"
            switch key {
            case "types":
                let values = strings(field, path: path, into: &builder)
                builder.setTypes(values)
            case "buttonId":
                let values = strings(field, path: path, into: &builder)
                builder.setButtonIds(values)
            case "deviceType":
                let values = strings(field, path: path, into: &builder)
                builder.setDeviceTypes(values)
            case "level":
                let values = strings(field, path: path, into: &builder)
                builder.setAlertLevels(values)
            case "sessionId":
                switch field {
                case .null: break
                case .string(let sessionId): builder.setSessionId(sessionId, path: path)
                default: builder.addViolation(path: path, message: "must be a string or null")
                }
            default:
                builder.addViolation(path: path, message: "unknown filter; known: types, buttonId, deviceType, sessionId, level")
            }
        }
        guard builder.violations.isEmpty else {
            return .failure(ClientMessageError(frame: .error(code: "bad_filter", message: "the filter was not changed", details: builder.violations)))
        }
        return .success(.setFilter(builder.filter))
    }

    /// A string or an array of strings, each with its path for violations.
    private static func strings(_ value: JSONValue, path: String, into builder: inout FilterBuilder) -> [(path: String, value: String)] {
        switch value {
        case .string(let single):
            return [(path, single)]
        case .array(let items):
            var result: [(path: String, value: String)] = []
            for (index, item) in items.enumerated() {
                if let text = item.stringValue {
                    result.append(("\(path)[\(index)]", text))
                } else {
                    builder.addViolation(path: "\(path)[\(index)]", message: "must be a string, not \(item.typeName)")
                }
            }
            return result
        default:
            builder.addViolation(path: path, message: "must be a string or an array of strings, not \(value.typeName)")
            return []
        }
    }
}

/// A client message that cannot be used, with the error frame that answers it.
struct ClientMessageError: Error {
    let frame: ControlFrame
}
