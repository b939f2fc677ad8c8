/// A registered schema version compiled once into a tree of closures, so checking an event is
/// one closure call per declared field: no keyword lookups, no schema walk, no path strings
/// unless something is wrong (a path is built only for a violation). Violations have the codes,
/// messages and paths of the built-in types' 422 (`properties.items[2].sku`).
public struct CompiledValidator: Sendable {
    /// Checks a value; `path` renders the value's location only when a violation is recorded.
    typealias Check = @Sendable (_ value: JSONValue, _ path: () -> String, _ violations: inout [Violation]) -> Void

    private let root: Check

    public init(_ schema: ObjectSchema) {
        root = Self.compile(.object(schema))
    }

    /// Appends every violation of `properties` (the value at path `properties`) to `violations`.
    public func check(properties value: JSONValue, into violations: inout [Violation]) {
        root(value, { "properties" }, &violations)
    }

    static func compile(_ node: SchemaNode) -> Check {
        switch node {
        case .object(let object): return compileObject(object)
        case .array(let array): return compileArray(array)
        case .string(let string): return compileString(string)
        case .enumeration(let values):
            let allowed = Set(values)
            let message = "must be one of: " + values.joined(separator: ", ")
            return { value, path, violations in
                guard case .string(let text) = value else {
                    violations.append(Violation(path: path(), code: .wrongType, message: mustBe("a string", value)))
                    return
                }
                if !allowed.contains(text) { violations.append(Violation(path: path(), code: .notAllowed, message: message)) }
            }
        case .number(let number): return compileNumber(number)
        case .boolean:
            return { value, path, violations in
                if case .bool = value { return }
                violations.append(Violation(path: path(), code: .wrongType, message: mustBe("a boolean", value)))
            }
        }
    }

    private struct Field: Sendable {
        let key: String
        /// `.key` or `["odd key"]`, appended to the parent's path.
        let suffix: String
        let required: Bool
        let check: Check
    }

    private static func compileObject(_ object: ObjectSchema) -> Check {
        let fields = object.properties.map { property in
            let part = "\(JSONPath.root.appending(property.name))"
            return Field(
                key: property.name, suffix: part.hasPrefix("[") ? part : "." + part,
                required: object.required.contains(property.name), check: compile(property.node))
        }
        let declared = Set(object.properties.map(\.name))
        let closed = !object.additionalProperties
        return { value, path, violations in
            guard case .object(let members) = value else {
                violations.append(Violation(path: path(), code: .wrongType, message: mustBe("an object", value)))
                return
            }
            var present = 0
            for field in fields {
                guard let member = members[field.key] else {
                    if field.required {
                        violations.append(Violation(path: path() + field.suffix, code: .required, message: "is required"))
                    }
                    continue
                }
                present += 1
                field.check(member, { path() + field.suffix }, &violations)
            }
            // Only an object with more keys than the declared ones it has can hold an unknown one.
            if closed, members.count > present {
                for key in members.keys.sorted() where !declared.contains(key) {
                    violations.append(
                        Violation(path: SchemaCompatibility.join(path(), key), code: .unknownField, message: "is not a known field"))
                }
            }
        }
    }

    private static func compileArray(_ array: ArraySchema) -> Check {
        let items = compile(array.items)
        let minItems = array.minItems
        let maxItems = array.maxItems ?? Int.max
        return { value, path, violations in
            guard case .array(let elements) = value else {
                violations.append(Violation(path: path(), code: .wrongType, message: mustBe("an array", value)))
                return
            }
            if elements.count < minItems {
                violations.append(Violation(path: path(), code: .tooShort, message: "must have at least \(minItems) items"))
            } else if elements.count > maxItems {
                violations.append(
                    Violation(path: path(), code: .tooLong, message: "must have at most \(maxItems) items (got \(elements.count))"))
            }
            for (index, element) in elements.enumerated() {
                items(element, { path() + "[\(index)]" }, &violations)
            }
        }
    }

    private static func compileString(_ string: StringSchema) -> Check {
        let minLength = string.minLength
        let maxLength = string.maxLength ?? Int.max
        let format = string.format
        // Control characters are refused in every string, as in the built-in types.
        return { value, path, violations in
            guard case .string(let text) = value else {
                violations.append(Violation(path: path(), code: .wrongType, message: mustBe("a string", value)))
                return
            }
            // UTF-8 length bounds the scalar count: count scalars only when it matters.
            let bytes = text.utf8.count
            if bytes < minLength || bytes > maxLength {
                let length = text.unicodeScalars.count
                if length < minLength {
                    violations.append(
                        Violation(
                            path: path(), code: .tooShort,
                            message: minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters"))
                    return
                }
                if length > maxLength {
                    violations.append(
                        Violation(path: path(), code: .tooLong, message: "must be at most \(maxLength) characters (got \(length))"))
                    return
                }
            }
            if let problem = StringFormatCheck.problem(text, format: format) {
                violations.append(Violation(path: path(), code: .invalidFormat, message: problem))
            }
        }
    }

    private static func compileNumber(_ number: NumberSchema) -> Check {
        let integral = number.integral
        let minimum = number.minimum ?? -Double.infinity
        let maximum = number.maximum ?? Double.infinity
        let range: String =
            switch (number.minimum, number.maximum) {
            case (let low?, let high?): "must be between \(JSONValue.number(low)) and \(JSONValue.number(high))"
            case (let low?, nil): "must be at least \(JSONValue.number(low))"
            case (nil, let high?): "must be at most \(JSONValue.number(high))"
            case (nil, nil): ""
            }
        return { value, path, violations in
            let number: Double
            switch value {
            case .integer(let whole): number = Double(whole)
            case .double(let fraction) where !integral || fraction == fraction.rounded(.towardZero): number = fraction
            default:
                violations.append(
                    Violation(path: path(), code: .wrongType, message: mustBe(integral ? "an integer" : "a number", value)))
                return
            }
            if number < minimum || number > maximum {
                violations.append(Violation(path: path(), code: .outOfRange, message: range))
            }
        }
    }

    static func mustBe(_ expected: String, _ value: JSONValue) -> String {
        let found: String =
            switch value {
            case .null: "null"
            case .bool: "a boolean"
            case .integer, .double: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        return "must be \(expected), not \(found)"
    }
}

private func mustBe(_ expected: String, _ value: JSONValue) -> String {
    CompiledValidator.mustBe(expected, value)
}
