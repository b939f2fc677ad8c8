import ArgumentParser
import EDMCore
import EDMHTTP
import Logging

/// `relay`: the HTTP edge that validates storefront events and answers only once Kafka has them.
public struct RelayCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Accept storefront events over HTTP, validate them, and answer 202 only once Kafka acknowledged them.",
        discussion: """
            Routes: POST /v1/events (one event or a batch), POST /produceClickMessage and \
            POST /producePageLoad (the reference relay's payload), GET /v1/schemas, GET /openapi.json, \
            GET /health, GET /ready, GET /metrics.

            Configuration comes from config vars (Heroku style); options below override them.

            \(RelayConfigVariables.all.helpSection)

            Stops on SIGTERM or SIGINT: stops accepting connections, finishes requests in flight, \
            flushes the producer, exits 0. A configuration error exits 78 naming the variable.
            """)

    @Option(help: "Port to listen on (overrides PORT).")
    var port: Int?

    @Option(help: "Interface to listen on (overrides HOST).")
    var host: String?

    @Flag(help: "Check the config vars, print a summary without secrets, and exit (0 when usable).")
    var checkConfig = false

    @Flag(help: "Also serve POST /v1/noop, which reads the body and answers 202 without producing (benchmark baseline).")
    var noopRoute = false

    public init() {}

    public func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535")
        }
    }

    public func run() async throws {
        var configuration = try ServiceStartup.load("relay", RelayConfiguration.fromEnvironment)
        let logger = Logger(label: "relay")
        if let port { configuration.listen.port = port }
        if let host { configuration.listen.host = host }
        configuration.noopRoute = noopRoute
        if checkConfig {
            print(RelayServer.summary(configuration).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))
            return
        }
        do {
            try await RelayServer.run(configuration: configuration, logger: logger)
        } catch let error as RelayServer.StartError {
            logger.error("\(error.description)")
            throw ExitCode(1)
        } catch let error as ProducerWatchdog.ProducerFailed {
            logger.critical("\(error.description)")
            throw ExitCode(70)  // EX_SOFTWARE: the platform restarts the process
        }
    }
}
