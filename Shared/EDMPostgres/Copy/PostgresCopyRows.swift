/// Rows for `COPY ... FROM STDIN (FORMAT binary)`, encoded as they are appended (on the caller's
/// task, not the connection's thread). The fastest way to insert many rows: no SQL per row, no
/// text parsing on the server.
///
/// Each value must be in its column's binary format: numbers, booleans, uuids, timestamps,
/// bytes and arrays are; a `String` is sent as its UTF-8 bytes, which is right for text,
/// varchar and name columns only (not uuid, jsonb or enum columns).
public struct PostgresCopyRows: Sendable {
    public let columnCount: Int
    public private(set) var rowCount = 0
    /// Signature, flags and header extension, then one tuple per row.
    private(set) var buffer: [UInt8]

    public init(columnCount: Int) {
        precondition((1...Int(Int16.max)).contains(columnCount), "a COPY row has 1 to 32767 columns")
        self.columnCount = columnCount
        buffer = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
        PostgresBinary.append(Int32(0), to: &buffer)  // flags: no OIDs
        PostgresBinary.append(Int32(0), to: &buffer)  // header extension length
    }

    /// Appends one row; `row` must have `columnCount` values (nil is NULL).
    public mutating func append(_ row: [(any PostgresBindable)?]) throws(PostgresError) {
        guard row.count == columnCount else {
            throw PostgresError(kind: .client, message: "a COPY row has \(row.count) values; expected \(columnCount)")
        }
        PostgresBinary.append(Int16(columnCount), to: &buffer)
        for value in row {
            switch value?.postgresValue ?? .null {
            case .null: PostgresBinary.append(Int32(-1), to: &buffer)
            case .text(let text): PostgresBinary.appendElement(text.utf8, to: &buffer)
            case .binary(let bytes):
                guard bytes.count <= Int(Int32.max) else {
                    throw PostgresError(kind: .client, message: "a COPY value is larger than 2 GiB")
                }
                PostgresBinary.appendElement(bytes, to: &buffer)
            }
        }
        rowCount += 1
    }

    /// Ends the COPY stream after the rows (sent separately, so the rows are never copied).
    static let trailer: [UInt8] = [0xFF, 0xFF]
}
