import Logging

/// A small pool of connections: opened lazily up to `configuration.poolSize`, checked before
/// reuse (a connection the server dropped while idle is replaced transparently), discarded
/// after failures. Callers beyond the pool size wait in line up to `acquireTimeout`.
public final class PostgresPool: PostgresQueryable, Sendable {
    public let configuration: PostgresConfiguration
    let logger: Logger
    private let state = PoolState()

    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "edm.postgres.pool")) {
        precondition(configuration.poolSize >= 1, "poolSize must be at least 1")
        self.configuration = configuration
        self.logger = logger
    }

    public struct Statistics: Sendable, Equatable {
        /// Connections opening, idle or lent out; never above the pool size.
        public var open: Int
        public var idle: Int
        /// Tasks waiting for a connection.
        public var waiting: Int
        /// Connections opened since the pool was created (reconnects make it grow).
        public var totalOpened: Int
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(open: $0.open, idle: $0.idle.count, waiting: $0.waiters.count, totalOpened: $0.totalOpened)
        }
    }

    /// Lends a connection to `body` exclusively and takes it back afterwards, also when `body`
    /// throws. A connection left inside a transaction or broken is closed, not reused.
    @discardableResult
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await release(connection)
            throw error
        }
        await release(connection)
        return value
    }

    /// Runs one statement on any free connection.
    public func query(
        _ sql: String, _ parameters: [(any PostgresBindable)?], resultFormat: PostgresFormat
    ) async throws -> PostgresRows {
        try await withConnection { connection in
            try await connection.query(sql, parameters, resultFormat: resultFormat)
        }
    }

    /// A transaction on one pooled connection (see `PostgresConnection.transaction`).
    @discardableResult
    public func transaction<T>(
        isolationLevel: PostgresIsolationLevel? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.transaction(isolationLevel: isolationLevel, body)
        }
    }

    /// For readiness checks: throws the reason the database cannot be used right now.
    public func ping() async throws {
        _ = try await query("SELECT 1")
    }

    /// For readiness checks that only need a yes or no.
    public func isReachable() async -> Bool {
        (try? await ping()) != nil
    }

    /// Closes idle connections now and the lent ones when they come back; waiting and later
    /// callers get `.poolClosed`. Idempotent.
    public func close() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            let idle = state.idle
            state.idle = []
            state.open -= idle.count
            let waiters = state.waiters
            state.waiters = []
            return (idle, waiters)
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(throwing: PostgresError(kind: .poolClosed, message: "the pool was closed"))
        }
        for connection in idle {
            await connection.close()
        }
    }

    // MARK: - Lending

    private func acquire() async throws -> PostgresConnection {
        switch try await grant() {
        case .connection(let connection):
            if await connection.handle.validateIdle() { return connection }
            logger.info(
                "replacing a pooled connection the server closed",
                metadata: ["postgres.pid": "\(connection.backendPID)"])
            await connection.close()
        case .slot:
            break
        }
        // We hold a slot: open a connection in it, or hand the slot on if that fails.
        do {
            let connection = try await PostgresConnection.connect(configuration, logger: logger)
            state.withLock { $0.totalOpened += 1 }
            return connection
        } catch {
            handOver(nil)
            throw error
        }
    }

    private enum Decision {
        case fail(any Error)
        case grant(PoolState.Grant)
        case wait
    }

    private func grant() async throws -> PoolState.Grant {
        let id = state.makeID()
        let poolSize = configuration.poolSize
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PoolState.Grant, any Error>) in
                let decision = state.withLock { state -> Decision in
                    if state.closed {
                        return .fail(PostgresError(kind: .poolClosed, message: "the pool is closed"))
                    }
                    if Task.isCancelled { return .fail(CancellationError()) }
                    if let connection = state.idle.popLast() { return .grant(.connection(connection)) }
                    if state.open < poolSize {
                        state.open += 1
                        return .grant(.slot)
                    }
                    state.waiters.append(PoolState.Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch decision {
                case .fail(let error): continuation.resume(throwing: error)
                case .grant(let grant): continuation.resume(returning: grant)
                case .wait: startTimer(for: id)
                }
            }
        } onCancel: {
            failWaiter(id, CancellationError())
        }
    }

    private func startTimer(for id: UInt64) {
        let timeout = configuration.acquireTimeout
        let poolSize = configuration.poolSize
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            self?.failWaiter(
                id,
                PostgresError(
                    kind: .poolTimeout,
                    message: "no connection became free within \(timeout) (pool size \(poolSize))"))
        }
        let stillWaiting = state.withLock { state -> Bool in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return false }
            state.waiters[index].timer = timer
            return true
        }
        if !stillWaiting { timer.cancel() }
    }

    private func failWaiter(_ id: UInt64, _ error: any Error) {
        guard let waiter = state.withLock({ $0.removeWaiter(id) }) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(throwing: error)
    }

    /// Gives a returned connection (or, with nil, a freed slot) to the first waiter; otherwise
    /// parks the connection or shrinks the pool. Returns false when the pool is closed and the
    /// caller must close `connection` itself.
    @discardableResult
    private func handOver(_ connection: PostgresConnection?) -> Bool {
        let waiter = state.withLock { state -> PoolState.Waiter?? in
            if state.closed {
                state.open -= 1
                return .some(nil)
            }
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            if let connection {
                state.idle.append(connection)
            } else {
                state.open -= 1
            }
            return nil
        }
        switch waiter {
        case .none: return true
        case .some(.none): return false
        case .some(.some(let waiter)):
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: connection.map { .connection($0) } ?? .slot)
            return true
        }
    }

    private func release(_ connection: PostgresConnection) async {
        let reusable = !connection.isBroken && !connection.handle.isInTransaction
        if reusable {
            if !handOver(connection) { await connection.close() }
            return
        }
        if !connection.isBroken {
            logger.warning(
                "closing a connection returned inside a transaction",
                metadata: ["postgres.pid": "\(connection.backendPID)"])
        }
        handOver(nil)
        await connection.close()
    }
}
