import Logging

/// One server session. Statements on it run one at a time, in order; share a `PostgresPool`
/// between tasks rather than a connection.
public final class PostgresConnection: PostgresQueryable, Sendable {
    let handle: LibPQConnection

    private init(handle: LibPQConnection) {
        self.handle = handle
    }

    /// Opens a connection (on a private thread: libpq's connect blocks).
    public static func connect(
        _ configuration: PostgresConfiguration, logger: Logger = Logger(label: "edm.postgres")
    ) async throws -> PostgresConnection {
        let handle = LibPQConnection(logger: logger)
        try await handle.connect(configuration.libpqParameters)
        return PostgresConnection(handle: handle)
    }

    /// The server process serving this connection (for `pg_stat_activity` and
    /// `pg_terminate_backend`).
    public var backendPID: Int32 { handle.backendPID }

    /// True once libpq has seen the connection fail or it was closed; it will not recover.
    public var isBroken: Bool {
        switch handle.currentHealth {
        case .ok: false
        case .connecting, .broken, .closed: true
        }
    }

    /// Cancelling the calling task sends a cancel request to the server; the statement then
    /// fails with SQLSTATE 57014 (`isQueryCanceled`).
    public func query(
        _ sql: String, _ parameters: [(any PostgresBindable)?], resultFormat: PostgresFormat
    ) async throws -> PostgresRows {
        try await handle.execute(sql, parameters: parameters, resultFormat: resultFormat)
    }

    /// Runs several `;`-separated statements without parameters (simple protocol), for
    /// migrations and fixtures. Never build `sql` from untrusted input.
    public func executeScript(_ sql: String) async throws {
        _ = try await handle.execute(sql, script: true)
    }

    /// BEGIN, run `body`, COMMIT; ROLLBACK if `body` throws. The transaction is committed
    /// or rolled back even if the task is cancelled meanwhile.
    @discardableResult
    public func transaction<T>(
        isolationLevel: PostgresIsolationLevel? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        guard !handle.isInTransaction else {
            throw PostgresError(
                kind: .client, message: "a transaction is already open on this connection (nesting is not supported)")
        }
        let begin = isolationLevel.map { "BEGIN ISOLATION LEVEL \($0.sql)" } ?? "BEGIN"
        _ = try await handle.execute(begin)
        let value: T
        do {
            value = try await body(PostgresTransaction(connection: self))
        } catch {
            await rollback()
            throw error
        }
        let commit = try await handle.execute("COMMIT", cancellable: false)
        if commit.commandTag == "ROLLBACK" {
            // COMMIT of an aborted transaction rolls back without an error: the body caught a
            // failed statement and carried on. Do not report success.
            throw PostgresError(
                kind: .server, sqlState: "25P02",
                message: "the transaction was rolled back because a statement in it failed and the error was caught")
        }
        return value
    }

    func rollback() async {
        guard !isBroken else { return }
        do {
            _ = try await handle.execute("ROLLBACK", cancellable: false)
        } catch {
            handle.logger.warning("rollback failed", metadata: ["error": "\(error)"])
        }
    }

    /// Idempotent. Further statements throw `.connectionClosed`.
    public func close() async {
        await handle.close()
    }
}
