/// A transaction in two round trips where its statements allow: BEGIN travels in one pipeline
/// with the statements that open it, and COMMIT in one with the statements that close it. For a
/// busy writer each round trip costs a wake-up of both processes, so BEGIN and COMMIT on their
/// own would double the round trips of a two-statement transaction.
extension PostgresConnection {
    /// BEGIN and `opening` in one round trip; `body` gets their results (in order) and may run
    /// more statements, then returns the statements to send with COMMIT and its value. The
    /// same guarantees as ``transaction(isolationLevel:isolation:_:)``: rolled back if anything
    /// throws, and a COMMIT that rolled back (a failed statement whose error was caught) is an
    /// error. A failing statement's `statementIndex` counts within `opening` or `closing`.
    @discardableResult
    public func pipelinedTransaction<T>(
        opening: [PostgresStatement], resultFormat: PostgresFormat = .binary,
        isolation: isolated (any Actor)? = #isolation,
        _ body: ([PostgresRows], PostgresTransaction) async throws -> (closing: [PostgresStatement], value: T)
    ) async throws -> T {
        guard !handle.isInTransaction else {
            throw PostgresError(
                kind: .client, message: "a transaction is already open on this connection (nesting is not supported)")
        }
        do {
            let opened = try await pipeline(["BEGIN"] + opening, resultFormat: resultFormat, shiftingIndexBy: -1)
            let (closing, value) = try await body(Array(opened.dropFirst()), PostgresTransaction(connection: self))
            let closed = try await pipeline(closing + ["COMMIT"], resultFormat: resultFormat, shiftingIndexBy: 0)
            if closed.last?.commandTag == "ROLLBACK" {
                throw PostgresError(
                    kind: .server, sqlState: "25P02",
                    message: "the transaction was rolled back because a statement in it failed and the error was caught")
            }
            return value
        } catch {
            if handle.isInTransaction { await rollback() }
            throw error
        }
    }

    private func pipeline(
        _ statements: [PostgresStatement], resultFormat: PostgresFormat, shiftingIndexBy shift: Int
    ) async throws -> [PostgresRows] {
        do {
            return try await pipeline(statements, resultFormat: resultFormat)
        } catch var error as PostgresError {
            error.statementIndex = error.statementIndex.map { $0 + shift }
            throw error
        }
    }
}

extension PostgresPool {
    /// `PostgresConnection.pipelinedTransaction` on one pooled connection.
    @discardableResult
    public func pipelinedTransaction<T>(
        opening: [PostgresStatement], resultFormat: PostgresFormat = .binary,
        isolation: isolated (any Actor)? = #isolation,
        _ body: ([PostgresRows], PostgresTransaction) async throws -> (closing: [PostgresStatement], value: T)
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.pipelinedTransaction(opening: opening, resultFormat: resultFormat, body)
        }
    }
}
