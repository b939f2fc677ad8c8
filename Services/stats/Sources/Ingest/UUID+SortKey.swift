import Foundation

extension UUID {
    /// The byte order PostgreSQL sorts uuids in, cheap to compare (no string formatting): a
    /// batch's ids sorted by it are inserted in index order.
    var sortKey: (UInt64, UInt64) {
        withUnsafeBytes(of: uuid) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
