import EDMEvents
import EDMRegistry
import EDMHTTP
import EDMKafka
import Hummingbird
import Logging

/// Builds the relay's HTTP side around a producer, so tests can run it in process
/// (`app.test(.router)`) against a real broker and the executable adds only config and signals.
public enum RelayApplication {
    /// Paths that never require a key: probes, metrics and the published documentation.
    static let openPaths: Set<String> = ["/health", "/ready", "/metrics", "/openapi.json", "/v1/schemas"]

    public static func make(
        configuration: RelayConfiguration, producer: KafkaProducer, logger: Logger,
        onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        make(configuration: configuration, producer: producer, registry: SchemaRegistry(), logger: logger, onServerRunning: onServerRunning)
    }

    static func make(
        configuration: RelayConfiguration, producer: KafkaProducer, registry: SchemaRegistry, logger: Logger,
        onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(configuration: configuration, producer: producer, registry: registry, logger: logger),
            configuration: .init(
                address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "edm-relay"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
            logger: logger)
    }

    /// The router with every route and middleware; middleware first, since Hummingbird applies
    /// a middleware only to routes added after it.
    public static func router(
        configuration: RelayConfiguration, producer: KafkaProducer, logger: Logger
    ) -> Router<RelayRequestContext> {
        router(configuration: configuration, producer: producer, registry: SchemaRegistry(), logger: logger)
    }

    /// - Parameter registry: the registered types, kept current by a ``RegistryFollower`` the
    ///   caller runs (without one, registrations are stored but never become visible here).
    static func router(
        configuration: RelayConfiguration, producer: KafkaProducer, registry: SchemaRegistry, logger: Logger
    ) -> Router<RelayRequestContext> {
        // The composition root: in-process tests build it without the command's start-up path.
        PrometheusMetrics.bootstrap()
        if configuration.apiKeys.isOpen {
            logger.warning("API_KEYS is empty: the relay accepts events from anyone")
        }
        let router = Router(context: RelayRequestContext.self)
        StandardMiddleware.addObservability(to: router)
        router.add(middleware: CORSHeadersMiddleware(policy: configuration.cors))
        StandardMiddleware.addJSONErrors(to: router)
        var open = openPaths
        if configuration.legacyRoutesOpen {
            open.formUnion(LegacyRoutes.all.map(\.path))
        }
        // The registry's routes check admin keys themselves; its GETs are documentation, open.
        router.add(
            middleware: MatchedRouteMiddleware(
                wrapped: ExceptPathPrefix(prefix: SchemaRoutes.path + "/", wrapped: BearerAuthMiddleware(tokens: configuration.apiKeys, openPaths: open))))
        if let rateLimit = configuration.rateLimit {
            router.add(middleware: MatchedRouteMiddleware(wrapped: RateLimitMiddleware(limiter: TokenBucketLimiter(limit: rateLimit), keys: configuration.apiKeys)))
        }
        router.add(middleware: QueueDepthMiddleware(producer: producer))

        let reader = RequestBodyReader(maxBytes: configuration.limits.maxBodyBytes)
        let inbound = InboundEvents(limits: configuration.limits, registry: registry)
        let publisher = EventPublisher(
            producer: producer, names: configuration.names, retryAfterSeconds: configuration.retryAfterSeconds)
        let idempotency = IdempotencyCheck(ledger: IdempotencyLedger(), keys: configuration.apiKeys)
        EventRoutes(
            reader: reader, inbound: inbound, publisher: publisher, cors: configuration.cors, idempotency: idempotency,
            scopes: configuration.keyScopes
        ).add(to: router)
        LegacyRoutes(
            reader: reader, inbound: inbound, publisher: publisher, cors: configuration.cors, idempotency: idempotency,
            scopes: configuration.keyScopes
        ).add(to: router)
        DocumentationRoutes(configuration: configuration, registry: registry).add(to: router)
        let provisioner = TopicProvisioner(producer: producer, names: configuration.names)
        SchemaRoutes(
            registration: SchemaRegistration(
                registry: registry, producer: producer, provisioner: provisioner,
                topic: configuration.names.prefix + RegisteredType.registryTopicBase,
                defaultPartitions: configuration.registeredTopicPartitions),
            registry: registry, adminKeys: configuration.adminKeys, reader: reader
        ).add(to: router)
        if configuration.noopRoute {
            NoopRoute(reader: reader).add(to: router)
        }
        OperationalRoutes.add(
            to: router, service: "relay",
            readiness: [
                ReadinessCheck(name: "kafka") { await producer.isBrokerReachable(timeout: .seconds(2)) },
                // A fatal producer never recovers; the watchdog restarts the process.
                ReadinessCheck(name: "kafka producer (fatal error)") { producer.fatalError == nil },
            ])
        return router
    }
}
