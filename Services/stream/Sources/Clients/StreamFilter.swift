import EDMEvents
import EDMRegistry

/// Which events one client wants. Each criterion that is set must hold; a criterion about a
/// field an event does not have excludes that event (`buttonId` selects clicks, `deviceType`
/// selects page loads). Nil means "any".
public struct StreamFilter: Sendable, Equatable {
    public var types: Set<String>?
    public var buttonIds: Set<String>?
    public var deviceTypes: Set<DeviceType>?
    public var sessionId: String?
    /// Alert levels (`level=critical`): selects alerts of these levels.
    public var alertLevels: Set<AlertLevel>?
    /// `where=` conditions on registered types' properties; set at connection, kept when a
    /// client message changes the other criteria.
    var condition: WhereFilter?

    public init(
        types: Set<String>? = nil, buttonIds: Set<String>? = nil, deviceTypes: Set<DeviceType>? = nil,
        sessionId: String? = nil, alertLevels: Set<AlertLevel>? = nil
    ) {
        self.types = types
        self.buttonIds = buttonIds
        self.deviceTypes = deviceTypes
        self.sessionId = sessionId
        self.alertLevels = alertLevels
    }

    public static let all = StreamFilter()

    func matches(_ event: StreamEvent) -> Bool {
        matchesCriteria(event) && (condition?.matches(event) ?? true)
    }

    /// With `verdict` the ``condition``'s result for this event when the hub has evaluated it
    /// already (once for every client with the same conditions).
    func matches(_ event: StreamEvent, verdict: Bool?) -> Bool {
        matchesCriteria(event) && (verdict ?? condition?.matches(event) ?? true)
    }

    private func matchesCriteria(_ event: StreamEvent) -> Bool {
        if let types, !types.contains(event.type) { return false }
        if let buttonIds {
            guard let buttonId = event.buttonId, buttonIds.contains(buttonId) else { return false }
        }
        if let deviceTypes {
            guard let deviceType = event.deviceType, deviceTypes.contains(deviceType) else { return false }
        }
        if let sessionId, sessionId != event.sessionId { return false }
        if let alertLevels {
            guard let level = event.alertLevel, alertLevels.contains(level) else { return false }
        }
        return true
    }

    /// The filter as clients write it in `{"filter": {...}}` messages (echoed in acknowledgements).
    var jsonValue: JSONValue {
        var members: [String: JSONValue] = [:]
        if let types { members["types"] = .array(types.sorted().map(JSONValue.string)) }
        if let buttonIds { members["buttonId"] = .array(buttonIds.sorted().map(JSONValue.string)) }
        if let deviceTypes { members["deviceType"] = .array(deviceTypes.map(\.rawValue).sorted().map(JSONValue.string)) }
        if let sessionId { members["sessionId"] = .string(sessionId) }
        if let alertLevels { members["level"] = .array(alertLevels.map(\.rawValue).sorted().map(JSONValue.string)) }
        if let condition { members["where"] = .array(condition.conditions.map { .string($0.text) }) }
        return .object(members)
    }
}

/// A problem with one filter value, with where it was found (`types`, `filter.buttonId[1]`).
struct FilterViolation: Sendable, Equatable {
    var path: String
    var message: String
}

/// Builds a `StreamFilter` from raw values, collecting every violation, so the query string and
/// client messages are checked by the same rules.
struct FilterBuilder {
    private(set) var filter = StreamFilter()
    private(set) var violations: [FilterViolation] = []
    let registry: EventRegistry
    /// Types registered at runtime (their names; nil: none).
    let registered: SchemaRegistry?

    init(registry: EventRegistry = .all, registered: SchemaRegistry? = nil) {
        self.registry = registry
        self.registered = registered
    }

    mutating func setTypes(_ values: [(path: String, value: String)]) {
        var types: Set<String> = []
        for (path, value) in values {
            if registry.kind(named: value) == nil, registered?.entry(named: value) == nil {
                let known = registry.typeNames + (registered.map { $0.all.keys.sorted() } ?? [])
                violations.append(FilterViolation(
                    path: path,
                    message: "unknown event type \(value.debugDescription); known types: "
                        + known.joined(separator: ", ")))
            } else {
                types.insert(value)
            }
        }
        filter.types = types
    }

    mutating func setButtonIds(_ values: [(path: String, value: String)]) {
        var ids: Set<String> = []
        for (path, value) in values {
            if let problem = Self.textProblem(value, maxLength: 200) {
                violations.append(FilterViolation(path: path, message: problem))
            } else {
                ids.insert(value)
            }
        }
        filter.buttonIds = ids
    }

    mutating func setDeviceTypes(_ values: [(path: String, value: String)]) {
        var devices: Set<DeviceType> = []
        for (path, value) in values {
            if let device = DeviceType(rawValue: value) {
                devices.insert(device)
            } else {
                violations.append(FilterViolation(
                    path: path,
                    message: "unknown device type \(value.debugDescription); known: "
                        + DeviceType.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }
        filter.deviceTypes = devices
    }

    mutating func setAlertLevels(_ values: [(path: String, value: String)]) {
        var levels: Set<AlertLevel> = []
        for (path, value) in values {
            if let level = AlertLevel(rawValue: value) {
                levels.insert(level)
            } else {
                violations.append(FilterViolation(
                    path: path, message: "unknown alert level \(value.debugDescription); known: warning, critical"))
            }
        }
        filter.alertLevels = levels
    }

    mutating func setSessionId(_ value: String, path: String) {
        if let problem = Self.textProblem(value, maxLength: 128) {
            violations.append(FilterViolation(path: path, message: problem))
        } else {
            filter.sessionId = value
        }
    }

    mutating func addViolation(path: String, message: String) {
        violations.append(FilterViolation(path: path, message: message))
    }

    /// The same limits the envelope puts on the field, so a filter can match real events.
    static func textProblem(_ value: String, maxLength: Int) -> String? {
        if value.isEmpty { return "must not be empty" }
        if value.count > maxLength { return "must be at most \(maxLength) characters" }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "must not contain control characters"
        }
        return nil
    }
}
