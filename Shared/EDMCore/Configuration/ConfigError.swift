/// A configuration problem, always naming the variable (or option) at fault so an operator
/// can fix it without reading code.
public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A required variable is not set (or is empty).
    case missing(variable: String)
    /// A variable is set but cannot be used; `reason` says what was expected.
    case invalid(variable: String, reason: String)

    public var variable: String {
        switch self {
        case .missing(let variable), .invalid(let variable, _): variable
        }
    }

    public var description: String {
        switch self {
        case .missing(let variable):
            "configuration error: \(variable) is required but not set"
        case .invalid(let variable, let reason):
            "configuration error: \(variable) is invalid: \(reason)"
        }
    }
}
