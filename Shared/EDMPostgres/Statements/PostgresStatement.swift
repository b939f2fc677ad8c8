/// SQL with its parameters, written as one string: every interpolated value becomes the next
/// `$n` placeholder and travels as a parameter, never as SQL text.
///
///     var statement: PostgresStatement = "SELECT * FROM t WHERE id = ANY(\(ids)) AND n > \(minimum)"
///     statement.append(" ORDER BY n")
///
/// Statements compose: appending one statement to another (or ``combiningWrites(_:)``) numbers
/// the placeholders of the whole, so code assembling SQL never counts or renumbers `$n`.
/// Literal text must be constant SQL of the caller (use `\(unescaped:)` only for identifiers
/// that are constants of the program).
public struct PostgresStatement: Sendable, ExpressibleByStringInterpolation {
    /// Literal SQL and parameter slots, in order; `$n` is assigned when rendering.
    private var pieces: [Piece] = []
    public private(set) var parameters: [(any PostgresBindable)?] = []

    private enum Piece: Sendable {
        case sql(String)
        case parameter
    }

    public init() {}

    public init(stringLiteral value: String) {
        pieces = [.sql(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.statement
    }

    /// The SQL text with `$1`, `$2`, ... in the order the values were added.
    public var sql: String {
        var text = ""
        var number = 0
        for piece in pieces {
            switch piece {
            case .sql(let literal): text += literal
            case .parameter:
                number += 1
                text += "$\(number)"
            }
        }
        return text
    }

    public var isEmpty: Bool { pieces.isEmpty }

    /// Appends constant SQL text.
    public mutating func append(_ sql: String) {
        pieces.append(.sql(sql))
    }

    /// Appends a parameter's placeholder.
    public mutating func append(parameter value: (any PostgresBindable)?) {
        pieces.append(.parameter)
        parameters.append(value)
    }

    /// Appends another statement; its placeholders continue after this one's.
    public mutating func append(_ other: PostgresStatement) {
        pieces += other.pieces
        parameters += other.parameters
    }

    /// Several data-modifying statements (INSERT, UPDATE, DELETE without RETURNING needs) sent
    /// as one: each becomes a CTE of `WITH s0 AS (...), s1 AS (...) SELECT 1`, so a batch of
    /// writes costs one round trip. PostgreSQL runs every part exactly once and to completion,
    /// all on the same snapshot (a part does not see another part's rows). Empty when `parts` is.
    public static func combiningWrites(_ parts: [PostgresStatement]) -> PostgresStatement {
        var combined = PostgresStatement()
        for (index, part) in parts.enumerated() {
            combined.append(index == 0 ? "WITH s0 AS (" : "),\ns\(index) AS (")
            combined.append(part)
        }
        if !parts.isEmpty { combined.append(")\nSELECT 1") }
        return combined
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var statement = PostgresStatement()

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            statement.append(literal)
        }

        /// A value: becomes a placeholder and a parameter.
        public mutating func appendInterpolation(_ value: (any PostgresBindable)?) {
            statement.append(parameter: value)
        }

        /// Another statement, inlined with its parameters. (Labelled, so a string literal in
        /// `\("...")` is always a parameter, never SQL.)
        public mutating func appendInterpolation(fragment other: PostgresStatement) {
            statement.append(other)
        }

        /// Text spliced into the SQL as is: only constants of the program (table or column
        /// names), never input.
        public mutating func appendInterpolation(unescaped sql: String) {
            statement.append(sql)
        }
    }
}
