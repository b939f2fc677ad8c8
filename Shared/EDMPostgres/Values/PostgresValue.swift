/// A parameter as it travels to the server. Binary skips the server's text parsing and our
/// formatting (integers, uuids, timestamps, arrays); text is kept where the server must infer
/// the type (a `String` may fill a uuid, enum or jsonb column).
public enum PostgresValue: Sendable, Equatable {
    case null
    /// PostgreSQL's text input format for the declared type.
    case text(String)
    /// PostgreSQL's binary (send/recv) format for the declared type.
    case binary([UInt8])
}
