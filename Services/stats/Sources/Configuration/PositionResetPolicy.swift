import EDMCore

/// What stats does when a stored position lies outside its partition's log
/// (`STATS_ON_POSITION_RESET`). Either way the conflict is logged as an error and recorded;
/// only whether counting goes on without an operator differs.
public enum PositionResetPolicy: String, Sendable, CaseIterable {
    /// Hold every partition in conflict (not counted, `/ready` 503) until
    /// `stats reset-positions` moves its position.
    case fail
    /// Move every conflicting position to the start of the log, record it, and go on.
    case reset
    /// The default: reset when retention removed events (they are lost whatever we do; waiting
    /// would only lose more), hold when the log ends before the stored position (a new cluster,
    /// a recreated topic, or a wrong `KAFKA_URL`: an operator decides whether the counts go on).
    case auto

    /// Whether a conflict of `kind` is reset without an operator.
    func resets(_ kind: PositionConflict.Kind) -> Bool {
        switch self {
        case .fail: return false
        case .reset: return true
        case .auto: return kind == .beforeStart
        }
    }

    static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> PositionResetPolicy {
        guard let raw = environment[variable] else { return .auto }
        guard let policy = PositionResetPolicy(rawValue: raw.trimmingWhitespace.lowercased()) else {
            throw .invalid(variable: variable, reason: "expected fail, reset or auto, got \(raw.debugDescription)")
        }
        return policy
    }

    static let variable = "STATS_ON_POSITION_RESET"
}
