import EDMEvents

/// Checks a parsed `where=` condition against a registered type's schema and types its operand:
/// the field must be declared (nested objects followed), and the operand must suit it (a number
/// for number fields and for `>` `>=` `<` `<=`, `true`/`false` for booleans, one of the values
/// of an enum).
enum WhereSchemaCheck {
    static func check(_ raw: RawWhereCondition, in schema: ObjectSchema, type: String) -> Result<WhereCondition, WhereProblem> {
        let field = (["properties"] + raw.path).joined(separator: ".")
        var object = schema
        var node: SchemaNode?
        for (index, name) in raw.path.enumerated() {
            guard let found = object.node(named: name) else {
                return .failure(.init(
                    "\(field) is not declared by \(type)'s schema (its properties: "
                        + object.properties.map { (["properties"] + raw.path.prefix(index) + [$0.name]).joined(separator: ".") }
                        .joined(separator: ", ") + ")"))
            }
            node = found
            if index < raw.path.count - 1 {
                guard case .object(let inner) = found else {
                    return .failure(.init("\(field): \((["properties"] + raw.path.prefix(index + 1)).joined(separator: ".")) is \(found.typeName), not an object"))
                }
                object = inner
            }
        }
        guard let node else { return .failure(.init("\(field) names no property")) }
        let ordering = raw.op.isOrdering
        switch node {
        case .number(let number):
            guard let value = Double(raw.operand), value.isFinite else {
                return .failure(.init("\(field) is \(node.typeName) in \(type): the value must be a number, got \(raw.operand.debugDescription)"))
            }
            if number.integral, !ordering, value.rounded() != value {
                return .failure(.init("\(field) is integer in \(type): \(raw.operand) can never be equal"))
            }
            return .success(WhereCondition(path: raw.path, op: raw.op, operand: .number(value)))
        case .string, .enumeration, .boolean:
            if ordering {
                return .failure(.init(
                    "\(field) is \(node.typeName) in \(type): \(raw.op.rawValue) compares numbers; use : or !="))
            }
            if case .boolean = node {
                guard let value = Bool(raw.operand) else {
                    return .failure(.init("\(field) is boolean in \(type): the value must be true or false, got \(raw.operand.debugDescription)"))
                }
                return .success(WhereCondition(path: raw.path, op: raw.op, operand: .boolean(value)))
            }
            if case .enumeration(let values) = node, !values.contains(raw.operand) {
                return .failure(.init(
                    "\(field) is an enum in \(type): \(raw.operand.debugDescription) is not one of "
                        + values.joined(separator: ", ")))
            }
            return .success(WhereCondition(path: raw.path, op: raw.op, operand: .string(raw.operand)))
        case .object:
            return .failure(.init("\(field) is an object in \(type); filter on one of its fields (\(field).<name>)"))
        case .array:
            return .failure(.init("\(field) is an array in \(type); arrays cannot be filtered"))
        }
    }
}
