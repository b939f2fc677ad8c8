/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Tests wait on
/// a condition, never on a fixed sleep, which keeps them fast and stable on a busy machine.
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
