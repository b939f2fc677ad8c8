import CLibPQ
import Dispatch
import Foundation
import Logging

/// Owns one `PGconn`. libpq calls block and a `PGconn` is not thread-safe, so every call on it
/// runs on this object's serial queue, never on Swift's cooperative pool (2 threads here: a
/// blocked one halves the process). State the pool needs without a hop is mirrored under a lock.
final class LibPQConnection: @unchecked Sendable {
    let logger: Logger
    private let queue = DispatchQueue(label: "edm.postgres.connection")
    /// Touched only on `queue`.
    private(set) var connection: OpaquePointer?

    private let stateLock = NSLock()
    private var health: Health = .connecting
    private var inTransaction = false
    private var pid: Int32 = 0

    /// Guards cancellation bookkeeping and the `PGcancel` object.
    private let operationLock = NSLock()
    private var cancelObject: OpaquePointer?
    private var operations: [UInt64: OperationState] = [:]
    private var nextOperationID: UInt64 = 0

    enum Health {
        case connecting, ok, broken, closed
    }

    private enum OperationState {
        case queued, cancelledBeforeStart, running
    }

    init(logger: Logger) {
        self.logger = logger
    }

    deinit {
        if let connection { PQfinish(connection) }
        if let cancelObject { PQfreeCancel(cancelObject) }
    }

    var backendPID: Int32 { stateLock.withLock { pid } }
    var currentHealth: Health { stateLock.withLock { health } }
    /// True while a transaction is open or aborted; such a connection must not be reused.
    var isInTransaction: Bool { stateLock.withLock { inTransaction } }

    // MARK: - Operations

    func connect(_ parameters: [(keyword: String, value: String)]) async throws {
        try await onQueue(cancellable: false) {
            let keywords = parameters.map(\.keyword), values = parameters.map(\.value)
            let pointer = withCStrings(keywords.map(Optional.some) + [nil]) { keywordPointers in
                withCStrings(values.map(Optional.some) + [nil]) { valuePointers in
                    PQconnectdbParams(keywordPointers, valuePointers, 0)
                }
            }
            guard let pointer else {
                throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
            }
            guard PQstatus(pointer) == CONNECTION_OK else {
                let message = Self.errorMessage(pointer)
                PQfinish(pointer)
                throw PostgresError(kind: .connectionFailed, message: message)
            }
            PQsetNoticeProcessor(
                pointer,
                { context, message in
                    guard let context, let message else { return }
                    let owner = Unmanaged<LibPQConnection>.fromOpaque(context).takeUnretainedValue()
                    let text = String(cString: message).trimmingWhitespace
                    let level: Logger.Level = text.hasPrefix("WARNING") ? .warning : .debug
                    owner.logger.log(level: level, "postgres notice", metadata: ["notice": "\(text)"])
                },
                Unmanaged.passUnretained(self).toOpaque())
            // Dates are parsed from ISO output; servers practically always default to it, but
            // make sure without sending startup options (connection poolers reject those).
            if let style = PQparameterStatus(pointer, "DateStyle"), !String(cString: style).hasPrefix("ISO") {
                let result = PQexec(pointer, "SET DateStyle = ISO")
                defer { PQclear(result) }
                guard PQresultStatus(result) == PGRES_COMMAND_OK else {
                    let message = Self.errorMessage(pointer)
                    PQfinish(pointer)
                    throw PostgresError(kind: .connectionFailed, message: "could not set DateStyle: \(message)")
                }
            }
            self.connection = pointer
            let cancel = PQgetCancel(pointer)
            self.operationLock.withLock { self.cancelObject = cancel }
            self.stateLock.withLock {
                self.pid = PQbackendPID(pointer)
                self.health = .ok
            }
        }
    }

    /// Runs one statement. `script` uses the simple protocol (several statements, no
    /// parameters); otherwise the extended protocol keeps parameters apart from the SQL.
    func execute(
        _ sql: String, parameters: [(any PostgresBindable)?] = [], resultFormat: PostgresFormat = .text,
        script: Bool = false, cancellable: Bool = true
    ) async throws -> PostgresRows {
        try LibPQParameters.checkSQL(sql)
        let prepared = try LibPQParameters(parameters)
        return try await onQueue(cancellable: cancellable) {
            let pointer = try self.openConnection()
            let result: OpaquePointer?
            if script {
                result = PQexec(pointer, sql)
            } else {
                result = prepared.withValuePointers { values in
                    PQexecParams(
                        pointer, sql, prepared.count, prepared.types, values, prepared.lengths, prepared.formats,
                        resultFormat.rawValue)
                }
            }
            defer { self.refreshState() }
            return try self.consume(result, pointer)
        }
    }

    /// The live `PGconn`, or `.connectionClosed`. Call on the queue only.
    func openConnection() throws(PostgresError) -> OpaquePointer {
        guard let pointer = connection else {
            throw PostgresError(kind: .connectionClosed, message: "the connection is closed")
        }
        return pointer
    }

    /// True when the connection is idle and its socket has not been closed by the server (e.g.
    /// `pg_terminate_backend` or a server restart while it sat in a pool).
    func validateIdle() async -> Bool {
        let alive = try? await onQueue(cancellable: false) { () -> Bool in
            guard let pointer = self.connection else { return false }
            // The server announces termination with an error and then closes the socket; read
            // whatever is pending (libpq never blocks here) until EOF marks the connection bad.
            for _ in 0..<4 {
                var descriptor = pollfd(fd: PQsocket(pointer), events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 0) > 0 else { break }
                guard PQconsumeInput(pointer) == 1 else { break }
                _ = PQisBusy(pointer)
                while let notification = PQnotifies(pointer) { PQfreemem(notification) }
            }
            self.refreshState()
            return PQstatus(pointer) == CONNECTION_OK && PQtransactionStatus(pointer) == PQTRANS_IDLE
        }
        return alive ?? false
    }

    func close() async {
        _ = try? await onQueue(cancellable: false) {
            if let pointer = self.connection {
                PQfinish(pointer)
                self.connection = nil
            }
            self.stateLock.withLock { self.health = .closed }
            self.operationLock.withLock {
                if let cancel = self.cancelObject { PQfreeCancel(cancel) }
                self.cancelObject = nil
            }
        }
    }

    // MARK: - Queue bridging and cancellation

    /// Runs `work` on the connection's queue and suspends the task meanwhile. A cancellable
    /// operation that has not started is skipped; one that is running gets a cancel request
    /// sent to the server (which then fails it with SQLSTATE 57014).
    func onQueue<T: Sendable>(
        cancellable: Bool, _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        guard cancellable else {
            return try await withCheckedThrowingContinuation { continuation in
                queue.async { continuation.resume(with: Result(catching: work)) }
            }
        }
        let id = operationLock.withLock {
            nextOperationID += 1
            operations[nextOperationID] = .queued
            return nextOperationID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    let start = self.operationLock.withLock { () -> Bool in
                        if self.operations[id] == .cancelledBeforeStart {
                            self.operations[id] = nil
                            return false
                        }
                        self.operations[id] = .running
                        return true
                    }
                    guard start else {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    let result = Result(catching: work)
                    self.operationLock.withLock { self.operations[id] = nil }
                    continuation.resume(with: result)
                }
            }
        } onCancel: {
            self.requestCancel(id)
        }
    }

    private func requestCancel(_ id: UInt64) {
        let running = operationLock.withLock { () -> Bool in
            switch operations[id] {
            case .queued:
                operations[id] = .cancelledBeforeStart
                return false
            case .running: return true
            default: return false
            }
        }
        guard running else { return }
        // PQcancel opens a connection to the server: do it off the cooperative pool.
        DispatchQueue.global().async {
            self.operationLock.withLock {
                guard self.operations[id] == .running, let cancel = self.cancelObject else { return }
                var buffer = [CChar](repeating: 0, count: 256)
                if PQcancel(cancel, &buffer, Int32(buffer.count)) == 0 {
                    let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    self.logger.warning("could not send cancel request", metadata: ["reason": "\(reason)"])
                }
            }
        }
    }

    // MARK: - Results (called on the queue)

    func refreshState() {
        let ok = connection.map { PQstatus($0) == CONNECTION_OK } ?? false
        let transaction = connection.map { PQtransactionStatus($0) != PQTRANS_IDLE } ?? false
        stateLock.withLock {
            if health != .closed { health = ok ? .ok : .broken }
            inTransaction = transaction
        }
    }

    func consume(_ result: OpaquePointer?, _ pointer: OpaquePointer) throws -> PostgresRows {
        guard let result else {
            let lost = PQstatus(pointer) != CONNECTION_OK
            throw PostgresError(kind: lost ? .connectionLost : .client, message: Self.errorMessage(pointer))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(storage: Self.copy(result))
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw Self.error(from: result, pointer)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // The connection now expects COPY data; nothing here can finish that, so end it.
            PQfinish(pointer)
            connection = nil
            stateLock.withLock { health = .broken }
            throw PostgresError(kind: .client, message: "COPY is not supported; the connection was closed")
        default:
            let name = String(cString: PQresStatus(status))
            throw PostgresError(kind: .client, message: "unexpected libpq result status \(name)")
        }
    }

    static func copy(_ result: OpaquePointer) -> ResultStorage {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<Int32(columnCount)).map { column in
            PostgresColumn(
                name: String(cString: PQfname(result, column)),
                dataType: PostgresDataType(rawValue: PQftype(result, column)),
                format: PQfformat(result, column) == 1 ? .binary : .text)
        }
        var starts: [Int] = [], lengths: [Int32] = [], bytes: [UInt8] = []
        starts.reserveCapacity(rowCount * columnCount)
        lengths.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                starts.append(bytes.count)
                if PQgetisnull(result, row, column) == 1 {
                    lengths.append(-1)
                } else {
                    let length = PQgetlength(result, row, column)
                    lengths.append(length)
                    bytes.append(
                        contentsOf: UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: Int(length)))
                }
            }
        }
        let tuples = String(cString: PQcmdTuples(result))
        return ResultStorage(
            columns: columns, starts: starts, lengths: lengths, bytes: bytes, rowCount: rowCount,
            affectedRows: Int(tuples), commandTag: String(cString: PQcmdStatus(result)))
    }

    static func error(from result: OpaquePointer, _ pointer: OpaquePointer) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        let sqlState = field(UInt8(ascii: "C"))
        let lost = PQstatus(pointer) != CONNECTION_OK
        let message = field(UInt8(ascii: "M")) ?? String(cString: PQresultErrorMessage(result)).trimmingWhitespace
        return PostgresError(
            kind: lost ? .connectionLost : (sqlState == nil ? .client : .server),
            sqlState: sqlState, message: message.isEmpty ? errorMessage(pointer) : message,
            detail: field(UInt8(ascii: "D")), hint: field(UInt8(ascii: "H")),
            constraint: field(UInt8(ascii: "n")), table: field(UInt8(ascii: "t")),
            column: field(UInt8(ascii: "c")))
    }

    static func errorMessage(_ pointer: OpaquePointer) -> String {
        let message = PQerrorMessage(pointer).map { String(cString: $0).trimmingWhitespace } ?? ""
        return message.isEmpty ? "unknown libpq error" : message
    }
}

/// Lends `strings` to C as a `char *[]` (nil entries stay NULL) for the duration of `body`.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return try body(copies.map { $0.map { UnsafePointer($0) } })
}
