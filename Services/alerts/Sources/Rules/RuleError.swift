/// Why a rule in `ALERT_RULES` is refused: the rule (by name, or by position when it has no
/// usable name), the field and the reason, so the operator can fix it without reading code.
public struct RuleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var rule: String
    public var field: String
    public var reason: String

    public init(rule: String, field: String, reason: String) {
        self.rule = rule
        self.field = field
        self.reason = reason
    }

    public var description: String {
        field.isEmpty ? "rule \(rule): \(reason)" : "rule \(rule): \(field) \(reason)"
    }
}
