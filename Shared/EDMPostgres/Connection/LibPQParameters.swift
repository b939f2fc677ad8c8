import CLibPQ

/// A statement's parameters laid out for libpq (types, values, lengths, formats) in one buffer,
/// built on the caller's task so the connection's thread only lends pointers.
struct LibPQParameters: Sendable {
    let types: [Oid]
    let formats: [Int32]
    let lengths: [Int32]
    /// Every non-NULL value back to back, each followed by a NUL (text values need it).
    private let storage: [UInt8]
    /// Where each value starts in `storage`; -1 for NULL.
    private let starts: [Int]

    /// Values refused here carry the SQLSTATE the server uses for the same fault (22021 for a NUL
    /// character, 54xxx for a limit), so callers classify them like the server's data errors.
    init(_ parameters: [(any PostgresBindable)?]) throws(PostgresError) {
        guard parameters.count <= Int(UInt16.max) else {
            throw PostgresError(kind: .client, sqlState: "54023", message: "too many parameters (\(parameters.count)); the limit is 65535")
        }
        var types: [Oid] = [], formats: [Int32] = [], lengths: [Int32] = [], starts: [Int] = []
        types.reserveCapacity(parameters.count)
        formats.reserveCapacity(parameters.count)
        lengths.reserveCapacity(parameters.count)
        starts.reserveCapacity(parameters.count)
        var storage: [UInt8] = []
        for parameter in parameters {
            types.append(parameter?.postgresDataType.rawValue ?? 0)
            switch parameter?.postgresValue ?? .null {
            case .null:
                formats.append(0)
                lengths.append(0)
                starts.append(-1)
            case .text(let text):
                guard !text.utf8.contains(0) else {
                    throw PostgresError(
                        kind: .client, sqlState: "22021", message: "text parameters cannot contain NUL characters (use bytea)")
                }
                formats.append(0)
                lengths.append(0)
                starts.append(storage.count)
                storage.append(contentsOf: text.utf8)
                storage.append(0)
            case .binary(let bytes):
                guard let length = Int32(exactly: bytes.count) else {
                    throw PostgresError(kind: .client, sqlState: "54000", message: "a binary parameter is larger than 2 GiB")
                }
                formats.append(1)
                lengths.append(length)
                starts.append(storage.count)
                storage.append(contentsOf: bytes)
                storage.append(0)
            }
        }
        self.types = types
        self.formats = formats
        self.lengths = lengths
        self.storage = storage
        self.starts = starts
    }

    var count: Int32 { Int32(types.count) }

    /// Lends the value pointers (NULL for SQL NULL) for the duration of `body`.
    func withValuePointers<R>(_ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            return try body(starts.map { start in start < 0 ? nil : base.map { $0 + start } })
        }
    }

    /// SQL text goes to libpq as a C string: a NUL would silently cut it short.
    static func checkSQL(_ sql: String) throws(PostgresError) {
        guard !sql.utf8.contains(0) else {
            throw PostgresError(kind: .client, message: "SQL text cannot contain NUL characters")
        }
    }
}
