/// Why the relay refused an inbound event. Every case can be answered with a 400 and
/// ``violations``, so clients get one response shape whatever went wrong.
public enum EventParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformedJSON(JSONSyntaxError)
    case tooLarge(bytes: Int, limit: Int)
    case invalid(ValidationFailure)

    /// The problems as violations; malformed and oversized input is reported at path `""`.
    public var violations: [Violation] {
        switch self {
        case .malformedJSON(let error):
            [Violation(path: "", code: .malformedJSON, message: error.description)]
        case .tooLarge(let bytes, let limit):
            [Violation(path: "", code: .tooLong, message: "event is \(bytes) bytes; the limit is \(limit)")]
        case .invalid(let failure):
            failure.violations
        }
    }

    public var description: String {
        switch self {
        case .malformedJSON(let error): error.description
        case .tooLarge, .invalid: "invalid event: " + violations.map(\.description).joined(separator: "; ")
        }
    }
}
