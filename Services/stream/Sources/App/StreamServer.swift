import EDMHTTP
import EDMKafka
import EDMRegistry
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The whole stream service, assembled: the live feed, the WebSocket and operational HTTP
/// server, housekeeping and the shutdown closer, as ServiceLifecycle services in start order.
///
/// Routes: `GET /v1/stream` (WebSocket; see `StreamQuery` for parameters), `/health`, `/ready`
/// (broker reachable and feed running), `/metrics`.
public struct StreamServer: Sendable {
    public let configuration: StreamConfiguration
    /// Exact counts of this instance (tests read them; `/metrics` has the same figures).
    public let stats: StreamStats
    /// The registered types this instance knows (tests wait on it).
    public let registry: SchemaRegistry
    private let hub: ClientHub
    /// Distinct `where=` conditions among connected clients, each evaluated once per event.
    public var hubConditionGroups: Int { hub.conditionGroups }
    /// Run these in one ServiceGroup, in this order (`ServiceRunner.run` does).
    public let services: [any Service]

    /// - Parameter onServerRunning: called with the bound port once the server listens (port 0
    ///   in tests picks a free one).
    public init(
        configuration: StreamConfiguration, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws(KafkaError) {
        // The composition root: in-process tests build it without the command's start-up path.
        PrometheusMetrics.bootstrap()
        let metrics = StreamMetrics()
        let hub = ClientHub(
            maxClients: configuration.maxClients, recentCapacity: configuration.recentEventCapacity, metrics: metrics)
        // Types registered at runtime (relay `POST /v1/schemas/{type}`), followed from the registry topic.
        let registry = SchemaRegistry()
        let decoder = EventDecoder(
            names: configuration.names, redactUserAgent: configuration.redactUserAgent, registry: registry)
        let feed = try LiveFeed(
            configuration: configuration, hub: hub, decoder: decoder, metrics: metrics, registry: registry, logger: logger)
        let follower = RegistryFollower(
            connection: configuration.kafka, prefix: configuration.names.prefix, registry: registry, metadata: feed.metadata,
            clientID: configuration.names.prefix + "edm-stream-registry", logger: logger)
        let replayer = Replayer(
            hub: hub, metadata: feed.metadata,
            reader: KafkaRangeReader(
                connection: configuration.kafka, clientID: configuration.clientID(role: "replay"), decoder: decoder,
                fetchWait: configuration.fetchWait, extraProperties: configuration.consumerProperties, logger: logger),
            limiter: AsyncLimiter(limit: configuration.maxConcurrentKafkaReplays),
            timeout: configuration.replayTimeout, metrics: metrics, logger: logger)
        if configuration.tokens.isOpen {
            logger.warning("STREAM_TOKENS is not set: anyone who can reach this service can read the event stream")
        }

        let router = Router(context: BasicRequestContext.self)
        StandardMiddleware.add(to: router)
        OperationalRoutes.add(
            to: router, service: "stream",
            readiness: [
                ReadinessCheck(name: "kafka") { await feed.isBrokerReachable() },
                ReadinessCheck(name: "feed") { hub.isFeedRunning },
            ])
        router.get(StreamRoute.path) { _, _ -> Response in
            throw APIError(
                HTTPResponse.Status(code: 426, reasonPhrase: "Upgrade Required"), code: "upgrade_required",
                message: "this is a WebSocket endpoint: connect with a WebSocket client", headers: [.upgrade: "websocket"])
        }

        let rejections = UpgradeRejections()
        let webSocketRouter = Router(context: StreamRequestContext.self)
        webSocketRouter.add(middleware: UpgradeRejectionMiddleware(rejections: rejections, metrics: metrics))
        StandardMiddleware.add(to: webSocketRouter)
        webSocketRouter.add(middleware: BearerAuthMiddleware(tokens: configuration.tokens, allowQueryToken: true))
        StreamRoute(
            hub: hub, replayer: replayer, configuration: configuration, metrics: metrics,
            quota: ClientQuota(limit: configuration.maxClientsPerOwner),
            publicQuota: ClientQuota(limit: configuration.maxClientsPerPublicAddress), registry: registry
        ).add(to: webSocketRouter)

        let application = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: webSocketRouter,
                configuration: .init(
                    http1: .init(
                        additionalChannelHandlers: [UpgradeRejectionWriter(rejections: rejections)],
                        idleTimeout: .milliseconds(configuration.httpIdleTimeout.milliseconds)),
                    ws: WebSocketServerConfiguration(
                        maxFrameSize: configuration.maxFrameSize,
                        autoPing: .enabled(timePeriod: configuration.pingInterval),
                        closeTimeout: .seconds(5),
                        validateUTF8: true))),
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)

        self.configuration = configuration
        stats = metrics.stats
        self.registry = registry
        self.hub = hub
        services = [
            follower,
            feed,
            Housekeeping(hub: hub, feed: feed, stallTimeout: configuration.stallTimeout, metrics: metrics, logger: logger),
            CheckpointFlusher(hub: hub),
            application,
            SocketCloser(hub: hub, grace: configuration.shutdownGrace, metrics: metrics, logger: logger),
        ]
    }
}
