import CLibPQ

extension LibPQConnection {
    /// Runs `sql` (a `COPY ... FROM STDIN (FORMAT binary)`), streams `data` in chunks and ends
    /// the copy; returns the rows the server reports copied. A server error (bad value,
    /// constraint) fails the whole COPY: nothing is inserted.
    func copyIn(_ sql: String, data: [UInt8]) async throws -> Int {
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
            let chunk = 1 << 20
            var sendFailed = false
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let length = min(chunk, raw.count - offset)
                    let base = raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                    guard PQputCopyData(pointer, base, Int32(length)) == 1 else {
                        sendFailed = true
                        return
                    }
                    offset += length
                }
            }
            if sendFailed || PQputCopyEnd(pointer, nil) != 1 {
                throw PostgresError(kind: .connectionLost, message: Self.errorMessage(pointer))
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
}
