import EDMEvents

/// One `countBy` field's value in an event of a registered type, as the text it is counted
/// under (stats_type_field_values).
struct CountByValue: Sendable, Hashable, Comparable {
    /// Longer values are counted by their first this many characters (an index key stays small).
    static let maximumLength = 200
    /// Where a type's values beyond ``maximumDistinctValues`` per field are counted.
    static let overflow = "(other)"
    /// Distinct values kept per type and field; later new values count under ``overflow``, so
    /// a field with unbounded values (an id, a timestamp) cannot grow the table without limit.
    static let maximumDistinctValues = 1_000

    let field: String
    let value: String

    /// Strings as they are (cut at ``maximumLength``), numbers in JSON notation, booleans as
    /// `true`/`false`; nil for null, objects and arrays, which are not counted.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text.count > maximumLength ? String(text.prefix(maximumLength)) : text
        case .integer(let number): String(number)
        case .double(let number): number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    static func < (lhs: CountByValue, rhs: CountByValue) -> Bool {
        (lhs.field, lhs.value) < (rhs.field, rhs.value)
    }
}
