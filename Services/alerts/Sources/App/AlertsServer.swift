import EDMHTTP
import EDMKafka
import Hummingbird
import Logging
import ServiceLifecycle

/// The whole alerts service, assembled: producer, processor and the operational HTTP server,
/// webhook sink when configured, as ServiceLifecycle services in start order (the producer
/// stops last, after the processor published what it decided).
public struct AlertsServer: Sendable {
    public let configuration: AlertsConfiguration
    public let metrics: AlertsMetrics
    public let processor: AlertProcessor
    /// The webhook sink, when `ALERT_WEBHOOK_URL` is set.
    public let webhook: WebhookSink?
    public let services: [any Service]

    /// - Parameter onServerRunning: called with the bound port once the server listens.
    public init(
        configuration: AlertsConfiguration, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(KafkaError) {
        // The composition root: in-process tests build it without the command's start-up path.
        PrometheusMetrics.bootstrap()
        let metrics = AlertsMetrics(rules: configuration.rules)
        var producerConfiguration = KafkaProducerConfiguration()
        producerConfiguration.clientID = "\(configuration.names.prefix)edm-alerts-\(configuration.instanceID)-producer"
        producerConfiguration.idempotent = true
        let producer = try KafkaProducer(connection: configuration.kafka, configuration: producerConfiguration, logger: logger)
        let webhook = configuration.webhook.map { WebhookSink(settings: $0, logger: logger) }
        let processor = try AlertProcessor(
            configuration: configuration, producer: producer, webhook: webhook, metrics: metrics, logger: logger)
        let router = AlertsRouter.make(readiness: [
            ReadinessCheck(name: "kafka") { await processor.isBrokerReachable() },
            ReadinessCheck(name: "windows") { processor.isLive },
        ])
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        self.configuration = configuration
        self.metrics = metrics
        self.processor = processor
        self.webhook = webhook
        // Stopped in reverse: HTTP, then the processor (publishing what it decided), then the
        // webhook drains what the processor queued, then the producer.
        services = [producer] + (webhook.map { [$0] } ?? []) + [processor, application]
    }
}
