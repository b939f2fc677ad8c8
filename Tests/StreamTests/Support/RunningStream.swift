import EDMEvents
import EDMHTTP
import EDMKafka
import Foundation
import Logging
import ServiceLifecycle
import StreamService
import Synchronization
import TestSupport

/// A stream server running in this test process on a free port, against a test broker.
final class RunningStream: Sendable {
    let server: StreamServer
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Test-sized settings: short fetch wait (the mock broker waits the full time on empty
    /// partitions) and short grace periods.
    static func configuration(bootstrap: String) -> StreamConfiguration {
        var configuration = StreamConfiguration(
            listen: ListenAddress(host: "127.0.0.1", port: 0),
            kafka: KafkaConnection(bootstrapServers: [bootstrap]),
            names: try! KafkaNames(prefix: nil))
        configuration.fetchWait = .milliseconds(10)
        configuration.shutdownGrace = .seconds(2)
        configuration.replayTimeout = .seconds(20)
        configuration.consumerProperties = ["log_level": "3"]
        return configuration
    }

    static func start(
        bootstrap: String, configure: (inout StreamConfiguration) -> Void = { _ in }
    ) async throws -> RunningStream {
        var configuration = configuration(bootstrap: bootstrap)
        configure(&configuration)
        let boundPort = Atomic<Int>(0)
        let server = try StreamServer(configuration: configuration, logger: quietLogger) { port in
            boundPort.store(port, ordering: .releasing)
        }
        let group = ServiceGroup(
            configuration: .init(services: server.services.map { .init(service: $0) }, logger: quietLogger))
        let task = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while boundPort.load(ordering: .acquiring) == 0 {
            guard ContinuousClock.now < deadline else { throw HarnessError("the server did not start listening") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let running = RunningStream(server: server, port: boundPort.load(ordering: .acquiring), group: group, task: task)
        try await running.waitUntilReady()
        return running
    }

    private init(server: StreamServer, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.group = group
        self.task = task
    }

    /// `/ready` answers 200 once the feed has assigned every partition.
    func waitUntilReady() async throws {
        let ready = try await eventually(timeout: .seconds(20)) {
            (try? await RawHTTP.get(port: port, path: "/ready").status) == 200
        }
        guard ready else { throw HarnessError("the server did not become ready") }
    }

    /// Graceful shutdown, as SIGTERM would do it.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let quietLogger: Logger = {
    var logger = Logger(label: "stream-test")
    logger.logLevel = .critical
    return logger
}()

