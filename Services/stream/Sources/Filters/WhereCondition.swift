import EDMEvents

/// One `where=` condition: a field of the event's `properties`, an operator and an operand,
/// e.g. `properties.plan:pro`, `properties.amount>100`, `properties.trial!=true`.
///
/// Syntax: `properties.<name>[.<name>...]` (nested objects by dots), then one operator —
/// `:` equals, `!=` differs, `>` `>=` `<` `<=` compare numbers — then the operand, taken
/// verbatim up to the end of the parameter (URL-decoded: spaces and commas are part of it).
/// An event without the field matches no condition on it, `!=` included.
struct WhereCondition: Sendable, Hashable {
    enum Operator: String, Sendable, CaseIterable {
        case equals = ":"
        case notEquals = "!="
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="

        var isOrdering: Bool { self != .equals && self != .notEquals }
    }

    /// The operand, typed by the field's schema (``WhereSchemaCheck``).
    enum Operand: Sendable, Hashable {
        case string(String)
        case number(Double)
        case boolean(Bool)
    }

    /// Property names below `properties`, outermost first.
    let path: [String]
    let op: Operator
    let operand: Operand

    /// The field as written (`properties.plan`).
    var field: String { (["properties"] + path).joined(separator: ".") }

    /// The canonical text: the same condition always has the same text, however it was written.
    var text: String {
        let operandText: String
        switch operand {
        case .string(let value): operandText = value
        case .number(let value): operandText = value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .boolean(let value): operandText = value ? "true" : "false"
        }
        return field + op.rawValue + operandText
    }

    /// Whether `properties` (an event's) satisfy the condition.
    func matches(_ properties: JSONValue) -> Bool {
        var value = properties
        for name in path {
            guard case .object(let members) = value, let member = members[name] else { return false }
            value = member
        }
        switch (operand, value) {
        case (.string(let expected), .string(let actual)):
            return op == .equals ? actual == expected : actual != expected
        case (.boolean(let expected), .bool(let actual)):
            return op == .equals ? actual == expected : actual != expected
        case (.number(let expected), _):
            guard let actual = value.doubleValue else { return false }
            switch op {
            case .equals: return actual == expected
            case .notEquals: return actual != expected
            case .greater: return actual > expected
            case .greaterOrEqual: return actual >= expected
            case .less: return actual < expected
            case .lessOrEqual: return actual <= expected
            }
        default:
            return false
        }
    }
}

/// A `where=` value split into its field path, operator and raw operand, before the schema
/// gives the operand its type.
struct RawWhereCondition: Sendable, Equatable {
    let path: [String]
    let op: WhereCondition.Operator
    let operand: String

    /// - Returns: the parts, or the problem (for a 400 naming the parameter).
    static func parse(_ text: String) -> Result<RawWhereCondition, WhereProblem> {
        guard let start = text.firstIndex(where: { ":!<>=".contains($0) }) else {
            return .failure(.init(
                "expected properties.<field> followed by one of : != > >= < <= and a value (e.g. properties.plan:pro), got "
                    + text.debugDescription))
        }
        let field = String(text[..<start])
        let rest = text[start...]
        let op: WhereCondition.Operator
        if rest.hasPrefix(">=") {
            op = .greaterOrEqual
        } else if rest.hasPrefix("<=") {
            op = .lessOrEqual
        } else if rest.hasPrefix("!=") {
            op = .notEquals
        } else if rest.hasPrefix(">") {
            op = .greater
        } else if rest.hasPrefix("<") {
            op = .less
        } else if rest.hasPrefix(":") {
            op = .equals
        } else {
            return .failure(.init("unknown operator in \(text.debugDescription); use one of : != > >= < <="))
        }
        let operand = String(rest.dropFirst(op.rawValue.count))
        let names = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard names.count >= 2, names[0] == "properties", !names.dropFirst().contains(where: \.isEmpty) else {
            return .failure(.init(
                "the field must be properties.<name> (nested: properties.<name>.<name>), got \(field.debugDescription)"))
        }
        return .success(RawWhereCondition(path: Array(names.dropFirst()), op: op, operand: operand))
    }
}

/// What is wrong with one `where=` value.
struct WhereProblem: Error, Sendable, Equatable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
