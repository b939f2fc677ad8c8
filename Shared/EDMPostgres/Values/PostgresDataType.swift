/// A PostgreSQL type OID. Parameters declare one so the server does not have to guess (and
/// `unknown` lets it infer from context); result columns carry one so decoding can refuse a
/// column of the wrong type instead of misreading its text.
public struct PostgresDataType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Lets the server infer the type from context (used for `String` parameters so they can
    /// fill columns of any type, e.g. enums, uuid, jsonb).
    public static let unknown = PostgresDataType(rawValue: 0)
    public static let bool = PostgresDataType(rawValue: 16)
    public static let bytea = PostgresDataType(rawValue: 17)
    public static let name = PostgresDataType(rawValue: 19)
    public static let int8 = PostgresDataType(rawValue: 20)
    public static let int2 = PostgresDataType(rawValue: 21)
    public static let int4 = PostgresDataType(rawValue: 23)
    public static let text = PostgresDataType(rawValue: 25)
    public static let oid = PostgresDataType(rawValue: 26)
    public static let json = PostgresDataType(rawValue: 114)
    public static let float4 = PostgresDataType(rawValue: 700)
    public static let float8 = PostgresDataType(rawValue: 701)
    public static let untypedLiteral = PostgresDataType(rawValue: 705)
    public static let bpchar = PostgresDataType(rawValue: 1042)
    public static let varchar = PostgresDataType(rawValue: 1043)
    public static let date = PostgresDataType(rawValue: 1082)
    public static let timestamp = PostgresDataType(rawValue: 1114)
    public static let timestamptz = PostgresDataType(rawValue: 1184)
    public static let numeric = PostgresDataType(rawValue: 1700)
    public static let uuid = PostgresDataType(rawValue: 2950)
    public static let jsonb = PostgresDataType(rawValue: 3802)
    public static let boolArray = PostgresDataType(rawValue: 1000)
    public static let int2Array = PostgresDataType(rawValue: 1005)
    public static let int4Array = PostgresDataType(rawValue: 1007)
    public static let textArray = PostgresDataType(rawValue: 1009)
    public static let int8Array = PostgresDataType(rawValue: 1016)
    public static let float8Array = PostgresDataType(rawValue: 1022)
    public static let timestamptzArray = PostgresDataType(rawValue: 1185)
    public static let uuidArray = PostgresDataType(rawValue: 2951)

    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .bool: "bool"
        case .bytea: "bytea"
        case .name: "name"
        case .int8: "int8"
        case .int2: "int2"
        case .int4: "int4"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "float4"
        case .float8: "float8"
        case .untypedLiteral: "unknown literal"
        case .bpchar: "bpchar"
        case .varchar: "varchar"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        case .boolArray: "bool[]"
        case .int2Array: "int2[]"
        case .int4Array: "int4[]"
        case .textArray: "text[]"
        case .int8Array: "int8[]"
        case .float8Array: "float8[]"
        case .timestamptzArray: "timestamptz[]"
        case .uuidArray: "uuid[]"
        default: "oid \(rawValue)"
        }
    }
}
