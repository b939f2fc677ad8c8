import EDMPostgres

/// Several `INSERT`/`UPDATE` statements sent as one: each becomes a data-modifying CTE
/// (`WITH s1 AS (...), s2 AS (...) SELECT 1`), so a batch's aggregate writes cost one round trip
/// instead of one per table. Every part runs exactly once and to completion, as if sent alone.
///
/// Parts are written with their own `$1`, `$2`, ... placeholders, renumbered here. Part SQL
/// must be constant text of this module (values go in parameters only).
struct CombinedStatement {
    private var parts: [String] = []
    private(set) var parameters: [(any PostgresBindable)?] = []

    var isEmpty: Bool { parts.isEmpty }

    mutating func add(_ sql: String, _ parameters: [any PostgresBindable]) {
        let offset = self.parameters.count
        parts.append(offset == 0 ? sql : Self.renumber(sql, by: offset))
        self.parameters += parameters.map { $0 }
    }

    var sql: String {
        "WITH " + parts.enumerated().map { "s\($0.offset) AS (\($0.element))" }.joined(separator: ",\n") + "\nSELECT 1"
    }

    /// `$3` becomes `$(3 + offset)`.
    static func renumber(_ sql: String, by offset: Int) -> String {
        var result = ""
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            index = sql.index(after: index)
            guard character == "$" else {
                result.append(character)
                continue
            }
            let digits = sql[index...].prefix { $0.isASCII && $0.isNumber }
            guard let number = Int(digits) else {
                result.append(character)
                continue
            }
            result += "$\(number + offset)"
            index = digits.endIndex
        }
        return result
    }
}
