import EDMKafka
import Logging
import ServiceLifecycle

/// Watches for librdkafka's fatal producer state (an idempotent producer fenced or out of
/// sequence), after which every send fails for good. Policy: `/ready` answers 503 naming it at
/// once (see ``RelayApplication``), and this service fails, which shuts the relay down
/// gracefully and exits with status 70: the platform starts a fresh process with a fresh
/// producer id (Heroku restarts a crashed dyno at once). Clients got 503 meanwhile and retry.
struct ProducerWatchdog: Service {
    let producer: KafkaProducer
    var interval: Duration = .milliseconds(500)
    let logger: Logger

    struct ProducerFailed: Error, CustomStringConvertible {
        let error: KafkaError
        var description: String { "the Kafka producer is in a fatal state and cannot produce again: \(error)" }
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    if let fatal = producer.fatalError {
                        logger.critical(
                            "Kafka producer failed fatally; stopping so a fresh process takes over",
                            metadata: ["error": "\(fatal)"])
                        throw ProducerFailed(error: fatal)
                    }
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // SIGTERM: the group is stopping anyway; ending quietly keeps the exit status 0.
        }
    }
}
