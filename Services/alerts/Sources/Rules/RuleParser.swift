import EDMEvents

/// Reads `ALERT_RULES`: a JSON array of rule objects.
///
/// ```json
/// [{"name": "session-click-burst", "eventType": "click", "key": "sessionId",
///   "where": {"properties.buttonId": ["a", "b"]}, "window": "10s", "slide": "10s",
///   "grace": "5s", "direction": "above", "warning": 20, "critical": 50, "resolveAt": 10}]
/// ```
///
/// `slide` defaults to `window` (tumbling), `grace` to 5 s, `direction` to above, `resolveAt`
/// to half the warning threshold (above) or twice it plus one (below). Durations are strings
/// with a unit (`500ms`, `10s`, `1m`, `1h`). Unknown members are refused (a typo must not
/// silently drop a condition).
public enum RuleParser {
    static let members: Set<String> = [
        "name", "eventType", "key", "where", "window", "slide", "grace", "direction", "warning", "critical", "resolveAt",
    ]
    /// Windows up to an hour: the service rebuilds the last window plus grace from Kafka on start.
    static let windowRange: ClosedRange<Int64> = 1_000...3_600_000
    static let graceRange: ClosedRange<Int64> = 0...600_000

    public static func parse(_ text: String, registry: EventRegistry = .standard) throws(RuleError) -> [AlertRule] {
        let root: JSONValue
        do {
            root = try JSONValue.parse(text)
        } catch {
            throw RuleError(rule: "list", field: "", reason: "is not valid JSON: \(error)")
        }
        guard let elements = root.arrayValue else {
            throw RuleError(rule: "list", field: "", reason: "must be a JSON array of rule objects, not \(root.typeName)")
        }
        var rules: [AlertRule] = []
        for (index, element) in elements.enumerated() {
            let rule = try parse(element, index: index, registry: registry)
            if rules.contains(where: { $0.name == rule.name }) {
                throw RuleError(
                    rule: JSONValue.string(rule.name).description, field: "name",
                    reason: "is used by an earlier rule; names must be unique")
            }
            rules.append(rule)
        }
        return rules
    }

    static func parse(_ value: JSONValue, index: Int, registry: EventRegistry) throws(RuleError) -> AlertRule {
        guard let object = value.objectValue else {
            throw RuleError(rule: "#\(index + 1)", field: "", reason: "must be an object, not \(value.typeName)")
        }
        guard case .string(let name)? = object["name"] else {
            throw RuleError(rule: "#\(index + 1)", field: "name", reason: "is required (a string)")
        }
        let label = "\(JSONValue.string(name).description)"
        func fail(_ field: String, _ reason: String) -> RuleError { RuleError(rule: label, field: field, reason: reason) }
        guard (1...64).contains(name.utf8.count),
            name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F })
        else {
            throw fail("name", "must be 1-64 characters of a-z 0-9 - _")
        }
        if let unknown = object.keys.sorted().first(where: { !members.contains($0) }) {
            throw fail(unknown, "is not a rule member; known: " + members.sorted().joined(separator: ", "))
        }
        guard case .string(let type)? = object["eventType"] else { throw fail("eventType", "is required (a string)") }
        guard let kind = registry.kind(named: type) else {
            throw fail("eventType", "must be one of: \(registry.typeNames.joined(separator: ", ")); got \(type)")
        }
        func path(_ text: String, field: String) throws(RuleError) -> FieldPath {
            guard let path = FieldPath(text, kind: kind) else {
                let known = FieldPath.envelopeFields + kind.fieldRules.map { "properties.\($0.name)" }
                throw fail(field, "names no field of \(type) events (\(text)); known: \(known.joined(separator: ", "))")
            }
            return path
        }
        var keyField: FieldPath?
        switch object["key"] {
        case nil, .null?: keyField = nil
        case .string(let text)?: keyField = try path(text, field: "key")
        case let other?: throw fail("key", "must be a field name (a string), not \(other.typeName)")
        }
        var conditions: [FieldCondition] = []
        switch object["where"] {
        case nil: break
        case .object(let members)?:
            for (field, expected) in members.sorted(by: { $0.key < $1.key }) {
                let location = try path(field, field: "where.\(field)")
                let values: [String]
                switch expected {
                case .string(let single): values = [single]
                case .array(let list):
                    let strings = list.compactMap(\.stringValue)
                    guard strings.count == list.count, !strings.isEmpty else {
                        throw fail("where.\(field)", "must be a string or a non-empty array of strings")
                    }
                    values = strings
                default: throw fail("where.\(field)", "must be a string or a non-empty array of strings")
                }
                conditions.append(FieldCondition(field: location, values: Set(values)))
            }
        case let other?: throw fail("where", "must be an object of field: value or [values], not \(other.typeName)")
        }
        func duration(_ field: String, default fallback: Int64?) throws(RuleError) -> Int64 {
            switch object[field] {
            case nil:
                guard let fallback else { throw fail(field, "is required (a duration such as \"10s\" or \"1m\")") }
                return fallback
            case .string(let text)?:
                guard let milliseconds = DurationText.milliseconds(text) else {
                    throw fail(field, "must be a duration such as \"500ms\", \"10s\", \"1m\" or \"1h\"; got \(text)")
                }
                return milliseconds
            case let other?:
                throw fail(field, "must be a duration string such as \"10s\", not \(other.typeName)")
            }
        }
        let window = try duration("window", default: nil)
        guard windowRange.contains(window) else { throw fail("window", "must be between 1s and 1h") }
        let slide = try duration("slide", default: window)
        guard slide > 0, slide <= window, window % slide == 0 else {
            throw fail("slide", "must be positive, at most the window and divide it evenly (\(window) ms)")
        }
        let grace = try duration("grace", default: 5_000)
        guard graceRange.contains(grace) else { throw fail("grace", "must be between 0s and 10m") }
        var direction = AlertRule.Direction.above
        if let raw = object["direction"] {
            guard let text = raw.stringValue, let parsed = AlertRule.Direction(rawValue: text) else {
                throw fail("direction", "must be above or below")
            }
            direction = parsed
        }
        func count(_ field: String) throws(RuleError) -> Int64? {
            guard let raw = object[field] else { return nil }
            guard let number = raw.int64Value, number >= 0 else { throw fail(field, "must be a whole number >= 0") }
            return number
        }
        guard let warning = try count("warning") else { throw fail("warning", "is required (a count)") }
        guard let critical = try count("critical") else { throw fail("critical", "is required (a count)") }
        switch direction {
        case .above:
            guard warning >= 1 else { throw fail("warning", "must be at least 1 for an above rule") }
            guard critical > warning else { throw fail("critical", "must be greater than warning (\(warning)) for an above rule") }
        case .below:
            guard critical < warning else { throw fail("critical", "must be less than warning (\(warning)) for a below rule") }
        }
        let resolveAt = try count("resolveAt") ?? (direction == .above ? warning / 2 : warning * 2 + 1)
        switch direction {
        case .above where resolveAt >= warning:
            throw fail("resolveAt", "must be less than warning (\(warning)) so a key cannot resolve while alerting")
        case .below where resolveAt <= warning:
            throw fail("resolveAt", "must be greater than warning (\(warning)) so a key cannot resolve while alerting")
        default: break
        }
        return AlertRule(
            name: name, eventType: type, conditions: conditions, keyField: keyField, windowMilliseconds: window,
            slideMilliseconds: slide, graceMilliseconds: grace, direction: direction, warning: warning, critical: critical,
            resolveAt: resolveAt)
    }
}

/// Durations in rules: a whole number with a unit, `ms`, `s`, `m` or `h`.
enum DurationText {
    static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for (unit, factor) in units where text.hasSuffix(unit) {
            let digits = text.dropLast(unit.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits), value >= 0,
                value <= Int64.max / factor
            else { continue }
            return value * factor
        }
        return nil
    }
}
