import Foundation

/// An `edm-broker` process (librdkafka's mock cluster) owned by one test; killed when dropped.
public final class TestBroker: Sendable {
    public let process: ChildProcess
    public let bootstrapServers: String

    /// Starts the built `edm-broker` with `topics` as `name:partitions` (none: its defaults).
    public init(topics: [String] = [], brokers: Int = 1, extraArguments: [String] = []) async throws {
        var arguments = ["--brokers", String(brokers)]
        for topic in topics { arguments += ["--topic", topic] }
        process = try ChildProcess(executable: BuiltProducts.executable("edm-broker"), arguments: arguments + extraArguments)
        bootstrapServers = try await process.firstLine()
    }

    /// Stops the broker the way an operator would.
    public func stop() async throws -> Int32 {
        process.signal(SIGTERM)
        return try await process.waitForExit()
    }
}

/// Names unique to one test run, so tests sharing a broker or database never collide.
public func uniqueName(_ base: String) -> String {
    "\(base)-\(UInt32.random(in: 0...UInt32.max))"
}
