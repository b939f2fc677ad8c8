/// Applies `FieldRule`s to a JSON tree and collects every violation (one per field, the most
/// basic problem first: missing, then type, then length, then format).
struct RuleChecker {
    var form: EventForm
    /// Legacy payloads: fields are looked up by `legacyName` (fields without one are skipped),
    /// presence follows the request form, and `null` for an optional field counts as absent.
    var legacyNames = false
    /// Unknown keys are violations unless collected (legacy payloads keep them as extras).
    var collectUnknownKeys = false

    struct CheckedObject {
        /// Known fields that were present, keyed by v1 name.
        var fields: [String: JSONValue] = [:]
        /// Keys no rule names (and, for legacy, nulls), keyed as sent.
        var unknown: [String: JSONValue] = [:]
    }

    func check(
        object: [String: JSONValue], rules: [FieldRule], at path: JSONPath,
        into violations: inout [Violation]
    ) -> CheckedObject {
        var result = CheckedObject()
        var known = Set<String>()
        for rule in rules {
            let key: String
            if legacyNames {
                guard let legacyName = rule.legacyName else { continue }
                key = legacyName
            } else {
                key = rule.name
            }
            known.insert(key)
            let presence = legacyNames ? rule.request : rule.presence(in: form)
            let fieldPath = path.appending(key)
            var value = object[key]
            if legacyNames, value == .null, presence == .optional {
                result.unknown[key] = .null
                value = nil
            }
            guard let value else {
                if presence == .required {
                    violations.append(Violation(path: "\(fieldPath)", code: .required, message: "is required"))
                }
                continue
            }
            if presence == .forbidden {
                violations.append(
                    Violation(
                        path: "\(fieldPath)", code: .readOnly,
                        message: "is set by the relay and must not be sent"))
                continue
            }
            if let checked = check(value, rule.value, at: fieldPath, into: &violations) {
                result.fields[rule.name] = checked
            }
        }
        var unknownKeys: [String] = []
        for (key, value) in object where !known.contains(key) {
            if collectUnknownKeys {
                result.unknown[key] = value
            } else {
                unknownKeys.append(key)
            }
        }
        // Sorted: a dictionary's order differs between instances, and clients (and tests) should
        // see the same 422 for the same body.
        for key in unknownKeys.sorted() {
            violations.append(
                Violation(path: "\(path.appending(key))", code: .unknownField, message: "is not a known field"))
        }
        return result
    }

    /// The value to keep (nested objects reduced to their known fields), or nil after recording
    /// a violation.
    private func check(
        _ value: JSONValue, _ rule: ValueRule, at path: JSONPath, into violations: inout [Violation]
    ) -> JSONValue? {
        func violation(_ code: Violation.Code, _ message: String) -> JSONValue? {
            violations.append(Violation(path: "\(path)", code: code, message: message))
            return nil
        }
        switch rule {
        case .text(let textRule):
            guard let text = value.stringValue else { return violation(.wrongType, mustBe("a string", value)) }
            let length = text.unicodeScalars.count
            let isLengthWrong = !textRule.length.contains(length)
            switch textRule.format {
            case .uuid, .timestamp:
                // A length error says less than the format error for fixed-shape strings.
                if isLengthWrong { return violation(.invalidFormat, textRule.format.expectation) }
            case .plain, .httpURL:
                if length < textRule.length.lowerBound {
                    return textRule.length.lowerBound == 1
                        ? violation(.tooShort, "must not be empty")
                        : violation(.tooShort, "must be at least \(textRule.length.lowerBound) characters")
                }
                if length > textRule.length.upperBound {
                    return violation(
                        .tooLong, "must be at most \(textRule.length.upperBound) characters (got \(length))")
                }
            }
            if let problem = textRule.format.problem(with: text) { return violation(.invalidFormat, problem) }
            return value
        case .oneOf(let allowed):
            guard let text = value.stringValue else { return violation(.wrongType, mustBe("a string", value)) }
            guard allowed.contains(text) else {
                return violation(.notAllowed, "must be one of: " + allowed.joined(separator: ", "))
            }
            return value
        case .constant(let expected):
            guard value.stringValue == expected else {
                return violation(.notAllowed, "must be \(JSONValue.string(expected).compactText)")
            }
            return value
        case .integer(let range):
            guard let number = value.int64Value else {
                return violation(.wrongType, mustBe("an integer", value))
            }
            guard range.contains(number) else {
                return range.lowerBound == range.upperBound
                    ? violation(.outOfRange, "must be \(range.lowerBound)")
                    : violation(.outOfRange, "must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return value
        case .boolean:
            guard case .bool = value else { return violation(.wrongType, mustBe("a boolean", value)) }
            return value
        case .object(let rules):
            guard let members = value.objectValue else { return violation(.wrongType, mustBe("an object", value)) }
            let before = violations.count
            let checked = check(object: members, rules: rules, at: path, into: &violations)
            return violations.count == before ? .object(checked.fields) : nil
        case .anyObject:
            guard value.objectValue != nil else { return violation(.wrongType, mustBe("an object", value)) }
            return value
        }
    }

    private func mustBe(_ expected: String, _ value: JSONValue) -> String {
        let found: String
        switch value {
        case .null: found = "null"
        case .bool: found = "a boolean"
        case .integer, .double: found = "a number"
        case .string: found = "a string"
        case .array: found = "an array"
        case .object: found = "an object"
        }
        return "must be \(expected), not \(found)"
    }
}
