import EDMEvents
import EDMHTTP
import EDMRegistry

/// Resolves the `where=` parameters against the schemas of the selected types, before the
/// upgrade: with `types=`, every selected type must declare every field with the same operand
/// type; without, the selection becomes the types (that the token may read) declaring them all.
/// Built-in types count with the fields their validator rules declare (`ObjectSchema.builtIn`).
/// Every problem is a 400 detail naming the parameter.
enum WhereSelection {
    struct Selection {
        var types: Set<String>
        var condition: WhereFilter
    }

    struct Problems: Error {
        let details: [APIError.Detail]
    }

    /// The built-in kinds' declared properties, by type name.
    static let builtInSchemas: [String: ObjectSchema] = Dictionary(
        uniqueKeysWithValues: EventRegistry.all.kinds.compactMap { kind in ObjectSchema.builtIn(kind).map { (kind.eventType, $0) } })

    static func resolve(
        _ values: [String], types: Set<String>?, scope: Set<String>?, registry: SchemaRegistry?
    ) -> Result<Selection, Problems> {
        var details: [APIError.Detail] = []
        var raws: [(path: String, raw: RawWhereCondition)] = []
        for (index, text) in values.enumerated() {
            switch RawWhereCondition.parse(text) {
            case .success(let raw): raws.append(("where[\(index)]", raw))
            case .failure(let problem): details.append(.init(path: "where[\(index)]", message: problem.message))
            }
        }
        guard details.isEmpty else { return .failure(Problems(details: details)) }
        let schemas = Self.builtInSchemas.merging(registry?.all.mapValues(\.current.type.schema) ?? [:]) { builtIn, _ in builtIn }
        if let types {
            var conditions: [WhereCondition] = []
            for (path, raw) in raws {
                var typed: WhereCondition?
                for type in types.sorted() {
                    guard let schema = schemas[type] else { continue }  // types= already refused it
                    switch WhereSchemaCheck.check(raw, in: schema, type: type) {
                    case .success(let condition):
                        if let typed, typed != condition {
                            details.append(.init(path: path, message: "\(condition.field) has different types in the selected types"))
                        }
                        typed = condition
                    case .failure(let problem):
                        details.append(.init(path: path, message: problem.message))
                    }
                }
                if let typed { conditions.append(typed) }
            }
            guard details.isEmpty else { return .failure(Problems(details: details)) }
            return .success(Selection(types: types, condition: WhereFilter(conditions, types: types)))
        }
        // No types=: every readable type declaring every field, alike.
        var selected: Set<String> = []
        var chosen: [WhereCondition]?
        for (type, schema) in schemas.sorted(by: { $0.key < $1.key }) where scope?.contains(type) ?? true {
            var conditions: [WhereCondition] = []
            for (_, raw) in raws {
                switch WhereSchemaCheck.check(raw, in: schema, type: type) {
                case .success(let condition): conditions.append(condition)
                case .failure: break
                }
            }
            guard conditions.count == raws.count, chosen == nil || chosen == conditions else { continue }
            chosen = conditions
            selected.insert(type)
        }
        guard let chosen else {
            let readable = scope == nil ? "type" : "type this token may read"
            return .failure(Problems(details: raws.map { path, raw in
                APIError.Detail(
                    path: path,
                    message: "no \(readable) declares \((["properties"] + raw.path).joined(separator: ".")) "
                        + "with these conditions; name the type with types= to see why")
            }))
        }
        return .success(Selection(types: selected, condition: WhereFilter(chosen, types: selected)))
    }
}
