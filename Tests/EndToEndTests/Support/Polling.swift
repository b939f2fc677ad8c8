import Foundation

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Waiting on a
/// condition, never on a fixed sleep, keeps the tests both fast and stable on a busy machine.
func eventually(
    timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}

struct EndToEndError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
