import EDMCore
import Logging
import ServiceLifecycle

/// Runs a service's parts (Kafka clients, database pool, HTTP server) as one ServiceGroup that
/// stops gracefully on SIGTERM (Heroku's stop signal, 30 s before SIGKILL) or SIGINT.
/// List dependencies first: the group stops them last, after the HTTP server.
public enum ServiceRunner {
    /// The span exporter, when tracing export is on, runs first so it stops last, after every
    /// span was ended.
    /// - Parameter supervisors: services that watch the others; when one fails, the whole group
    ///   shuts down gracefully (HTTP first) and `run` rethrows its error.
    public static func run(_ services: [any Service], supervisors: [any Service] = [], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: (TracingExport.services + services).map { .init(service: $0) }
                    + supervisors.map { .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

/// Where the HTTP server listens: `PORT` (Heroku sets it) on all interfaces unless `HOST` says otherwise.
public struct ListenAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String = "0.0.0.0", port: Int) {
        self.host = host
        self.port = port
    }

    public static func fromEnvironment(_ environment: ConfigVars, defaultPort: Int) throws(ConfigError) -> ListenAddress {
        ListenAddress(
            host: environment["HOST"] ?? "0.0.0.0",
            port: try environment.integer("PORT", default: defaultPort, range: 0...65535))
    }
}
