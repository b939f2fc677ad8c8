import DashboardTUI
import Foundation
import Testing

@Suite("Reconnect state machine and backoff")
struct ReconnectMachineTests {
    let start = Fixtures.noon

    @Test("backoff doubles from 0.5 s and is capped at 30 s")
    func backoff() {
        let policy = ReconnectPolicy(jitter: 0)
        let delays = (1...9).map { policy.delay(afterFailures: $0, random: 0) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30), .seconds(30)])
    }

    @Test("jitter adds at most its fraction and never passes the cap")
    func jitter() {
        let policy = ReconnectPolicy(jitter: 0.2)
        #expect(policy.delay(afterFailures: 1, random: 0.999_999) == .milliseconds(600))
        #expect(policy.delay(afterFailures: 3, random: 0.5) == .milliseconds(2200))
        #expect(policy.delay(afterFailures: 20, random: 0.999) == .seconds(30))
    }

    @Test("idle -> connecting -> retrying -> connecting -> connected")
    func transitions() {
        var machine = ReconnectMachine(policy: ReconnectPolicy(jitter: 0))
        #expect(machine.status == .idle)
        machine.connecting()
        #expect(machine.status == .connecting(attempt: 1))
        let delay = machine.failed(LinkFailure("connection refused"), now: start, random: 0)
        #expect(delay == .milliseconds(500))
        #expect(machine.status == .retrying(at: start.addingTimeInterval(0.5), attempt: 1, reason: "connection refused"))
        machine.connecting()
        #expect(machine.status == .connecting(attempt: 2))
        _ = machine.failed(LinkFailure("connection refused"), now: start, random: 0)
        machine.connecting()
        machine.connected(now: start.addingTimeInterval(5))
        #expect(machine.status == .connected(since: start.addingTimeInterval(5)))
        #expect(machine.status.isConnected)
    }

    @Test("a permanent failure is an error retried after the longest delay")
    func permanent() {
        var machine = ReconnectMachine(policy: ReconnectPolicy(jitter: 0))
        machine.connecting()
        let delay = machine.failed(LinkFailure("HTTP 401", permanent: true), now: start, random: 0)
        #expect(delay == .seconds(30))
        #expect(machine.status == .failed(reason: "HTTP 401", retryAt: start.addingTimeInterval(30)))
    }

    @Test("a connection that stayed up resets the backoff; one dropped at once does not")
    func stability() {
        var machine = ReconnectMachine(policy: ReconnectPolicy(jitter: 0, stableAfter: .seconds(10)))
        for _ in 0..<3 { _ = machine.failed(LinkFailure("refused"), now: start, random: 0) }
        #expect(machine.consecutiveFailures == 3)
        // Accepted, then dropped after 1 s: still failing, backoff keeps growing.
        machine.connected(now: start)
        #expect(machine.failed(LinkFailure("closed"), now: start.addingTimeInterval(1), random: 0) == .seconds(4))
        // Up for a minute: a fresh start.
        machine.connected(now: start)
        #expect(machine.failed(LinkFailure("closed"), now: start.addingTimeInterval(60), random: 0) == .milliseconds(500))
        #expect(machine.consecutiveFailures == 1)
    }
}
