import CLibPQ

extension LibPQConnection {
    /// Runs `sql` (a `COPY ... FROM STDIN (FORMAT binary)`), streams the `data` parts in chunks
    /// and ends the copy; returns the rows the server reports copied. A server error (bad value,
    /// constraint) fails the whole COPY: nothing is inserted.
    func copyIn(_ sql: String, data: [[UInt8]]) async throws -> Int {
        try LibPQParameters.checkSQL(sql)
        return try await onQueue(cancellable: true) {
            let pointer = try self.openConnection()
            defer { self.refreshState() }
            guard let start = PQexec(pointer, sql) else {
                throw PostgresError(kind: .connectionLost, message: Self.errorMessage(pointer))
            }
            guard PQresultStatus(start) == PGRES_COPY_IN else {
                // An error (no such table, ...) or not a COPY FROM STDIN at all.
                _ = try self.consume(start, pointer)
                throw PostgresError(kind: .client, message: "the statement did not start a COPY FROM STDIN")
            }
            PQclear(start)
            guard data.allSatisfy({ Self.putCopyData($0, pointer) }), PQputCopyEnd(pointer, nil) == 1 else {
                let error = PostgresError(kind: .connectionLost, message: Self.errorMessage(pointer))
                // Should the connection still be up, abort the COPY so it can serve again.
                if PQstatus(pointer) == CONNECTION_OK, PQputCopyEnd(pointer, "the client failed to send the data") == 1 {
                    while let result = PQgetResult(pointer) { PQclear(result) }
                }
                throw error
            }
            var copied: Int?
            var failure: (any Error)?
            while let result = PQgetResult(pointer) {
                do {
                    copied = try self.consume(result, pointer).affectedRows
                } catch {
                    failure = failure ?? error
                }
                if PQstatus(pointer) != CONNECTION_OK { break }
            }
            if let failure { throw failure }
            return copied ?? 0
        }
    }

    /// Hands `bytes` to libpq in 1 MiB pieces; false when the connection failed.
    private static func putCopyData(_ bytes: [UInt8], _ pointer: OpaquePointer) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let length = min(1 << 20, raw.count - offset)
                let base = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                guard PQputCopyData(pointer, base, Int32(length)) == 1 else { return false }
                offset += length
            }
            return true
        }
    }
}
