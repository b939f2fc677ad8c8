import EDMPostgres
import Foundation
import TestSupport
import Testing

@Suite("PostgresPool")
struct PoolTests {
    @Test func twoHundredConcurrentQueriesNeverUseMoreThanFourConnections() async throws {
        // Generous acquire timeout: this test bounds connections, not latency (CI machines are busy).
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 4, acquireTimeout: .seconds(60)))
        let sessions = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let rows = try await pool.query(
                        """
                        SELECT $1::int8, pg_sleep(0.002),
                               (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())
                        """, [index])
                    #expect(try rows[0].decode(Int.self, at: 0) == index)
                    return try rows[0].decode(Int.self, at: 2)
                }
            }
            var seen: [Int] = []
            for try await count in group { seen.append(count) }
            return seen
        }
        #expect(sessions.count == 200)
        #expect(sessions.max()! <= 4)
        #expect(sessions.max()! >= 2)  // the queries really did overlap
        let statistics = pool.statistics
        #expect(statistics.open <= 4)
        #expect(statistics.totalOpened <= 4)
        #expect(statistics.waiting == 0)
        #expect(statistics.idle == statistics.open)
        await pool.close()
    }

    @Test func waitingTooLongIsATypedError() async throws {
        let pool = PostgresPool(
            configuration: try await Fixtures.sharedConfiguration(poolSize: 1, acquireTimeout: .milliseconds(200)))
        let (holding, holder) = AsyncStream.makeStream(of: Void.self)
        let release = Gate()
        let hold = Task {
            try await pool.withConnection { _ in
                holder.yield()
                await release.wait()
            }
        }
        for await _ in holding { break }
        let started = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.kind == .poolTimeout)
        #expect(ContinuousClock.now - started >= .milliseconds(190))
        #expect(pool.statistics.waiting == 0)
        await release.open()
        try await hold.value
        #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        await pool.close()
    }

    @Test func cancellingAWaiterFreesItsPlace() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.sharedConfiguration(poolSize: 1))
        let release = Gate()
        let (holding, holder) = AsyncStream.makeStream(of: Void.self)
        let hold = Task {
            try await pool.withConnection { _ in
                holder.yield()
                await release.wait()
            }
        }
        for await _ in holding { break }
        let waiter = Task { try await pool.query("SELECT 1") }
        #expect(try await eventually(timeout: .seconds(5), every: .milliseconds(5)) { pool.statistics.waiting == 1 })
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(pool.statistics.waiting == 0)
        await release.open()
        try await hold.value
        #expect(pool.statistics.open == 1)
        await pool.close()
    }

    @Test func recoversAfterIdleConnectionsAreTerminated() async throws {
        let configuration = try await Fixtures.sharedConfiguration(poolSize: 2)
        let pool = PostgresPool(configuration: configuration)
        let oldPIDs = try await pool.withConnection { first in
            try await pool.withConnection { second in [first.backendPID, second.backendPID] }
        }
        #expect(Set(oldPIDs).count == 2)
        for pid in oldPIDs { try await Fixtures.terminate(pid, configuration: configuration) }
        // No caller sees the dead connections: they are replaced on checkout.
        var newPIDs: Set<Int32> = []
        for _ in 0..<10 {
            let rows = try await pool.query("SELECT pg_backend_pid()")
            newPIDs.insert(try rows[0].decode(Int32.self, at: 0))
        }
        #expect(newPIDs.isDisjoint(with: oldPIDs))
        #expect(pool.statistics.totalOpened >= 3)
        #expect(pool.statistics.open <= 2)
        await pool.close()
    }

    @Test func aConnectionKilledWhileLentIsDiscarded() async throws {
        let configuration = try await Fixtures.sharedConfiguration(poolSize: 1)
        let pool = PostgresPool(configuration: configuration)
        let killed = try await pool.withConnection { connection in
            try await Fixtures.terminate(connection.backendPID, configuration: configuration)
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            #expect(error?.isConnectionError == true)
            return connection.backendPID
        }
        #expect(pool.statistics.open == 0)
        let rows = try await pool.query("SELECT pg_backend_pid()")
        #expect(try rows[0].decode(Int32.self, at: 0) != killed)
        #expect(pool.statistics.open == 1)
        await pool.close()
    }

    @Test func aConnectionReturnedInsideATransactionIsNotReused() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.configuration(poolSize: 1))
        try await pool.execute("CREATE TABLE t (x int)")
        let pid = try await pool.withConnection { connection in
            try await connection.execute("BEGIN")
            try await connection.execute("INSERT INTO t VALUES (1)")
            return connection.backendPID
        }
        let rows = try await pool.query("SELECT pg_backend_pid(), (SELECT count(*) FROM t)")
        #expect(try rows[0].decode(Int32.self, at: 0) != pid)
        #expect(try rows[0].decode(Int.self, at: 1) == 0)
        await pool.close()
    }

    @Test func pingAndClose() async throws {
        let configuration = try await Fixtures.sharedConfiguration(poolSize: 2)
        let pool = PostgresPool(configuration: configuration)
        try await pool.ping()
        #expect(await pool.isReachable())
        await pool.close()
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.kind == .poolClosed)
        #expect(await pool.isReachable() == false)
        #expect(pool.statistics.open == 0)

        var unreachable = configuration
        unreachable.port = try TestPostgres.freePort()
        let deadPool = PostgresPool(configuration: unreachable)
        #expect(await deadPool.isReachable() == false)
        let failure = await #expect(throws: PostgresError.self) { try await deadPool.ping() }
        #expect(failure?.kind == .connectionFailed)
        #expect(deadPool.statistics.open == 0)
    }

    @Test func closeFailsWaitersAndClosesLentConnectionsOnReturn() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.sharedConfiguration(poolSize: 1))
        let release = Gate()
        let (holding, holder) = AsyncStream.makeStream(of: Void.self)
        let hold = Task {
            try await pool.withConnection { _ in
                holder.yield()
                await release.wait()
            }
        }
        for await _ in holding { break }
        let waiter = Task { try await pool.query("SELECT 1") }
        #expect(try await eventually(timeout: .seconds(5), every: .milliseconds(5)) { pool.statistics.waiting == 1 })
        await pool.close()
        let result = await waiter.result
        #expect((result.failure as? PostgresError)?.kind == .poolClosed)
        await release.open()
        try await hold.value
        #expect(pool.statistics.open == 0)
    }
}

@Suite("PostgresPool as a Service")
struct PoolServiceTests {
    @Test func runKeepsThePoolOpenUntilCancelledThenClosesIt() async throws {
        let pool = PostgresPool(configuration: try await Fixtures.sharedConfiguration(poolSize: 2))
        let service = Task { try await pool.run() }
        #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        #expect(pool.statistics.open == 1)
        service.cancel()
        try await service.value
        #expect(pool.statistics.open == 0)
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.kind == .poolClosed)
    }
}

/// Lets a test hold something until it says so.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
