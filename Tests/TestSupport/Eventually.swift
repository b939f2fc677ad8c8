/// Waiting in tests: on a condition, never on a fixed sleep, which keeps tests fast and stable
/// on a busy machine. The one set of helpers every test target uses.

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
public func eventually(
    timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}

/// Polls `probe` until it returns a value, and returns it. A probe that throws (a service still
/// starting, a database coming back) counts as "not yet"; at the deadline ``TimedOut`` names
/// `what`, the probe's last error and `context()`. `failFast` runs before each poll and ends the
/// wait at once by throwing (a child process that exited).
public func waitFor<Value>(
    _ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(50),
    failFast: () throws -> Void = {}, context: () -> String = { "" },
    _ probe: () async throws -> Value?
) async throws -> Value {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        try failFast()
        do {
            if let value = try await probe() { return value }
            lastError = nil
        } catch {
            lastError = error
        }
        guard ContinuousClock.now < deadline else {
            throw TimedOut(what: what, lastError: lastError.map { String(describing: $0) }, context: context())
        }
        try await Task.sleep(for: interval)
    }
}

/// ``waitFor(_:timeout:every:failFast:context:_:)`` for a condition.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(50),
    failFast: () throws -> Void = {}, context: () -> String = { "" },
    _ condition: () async throws -> Bool
) async throws {
    _ = try await waitFor(what, timeout: timeout, every: interval, failFast: failFast, context: context) {
        try await condition() ? true : nil
    }
}

/// A wait that ran out of time.
public struct TimedOut: Error, CustomStringConvertible {
    public let what: String
    public let lastError: String?
    public let context: String

    public var description: String {
        var text = "timed out waiting for \(what)"
        if let lastError { text += "; last error: \(lastError)" }
        if !context.isEmpty { text += "; \(context)" }
        return text
    }
}
