import EDMEvents
import EDMHTTP
import EDMKafka
import EDMRegistry
import Hummingbird
import HummingbirdWebSocket
import Logging

/// `GET /v1/stream`: admission before the upgrade, then one client's life: replay, writer,
/// and reading the client's messages, until either side closes.
struct StreamRoute: Sendable {
    let hub: ClientHub
    let replayer: Replayer
    let configuration: StreamConfiguration
    let metrics: StreamMetrics
    let quota: ClientQuota
    /// Connections per public token and client address.
    let publicQuota: ClientQuota
    let registry: SchemaRegistry

    static let path: RouterPath = "/v1/stream"

    func add(to router: Router<StreamRequestContext>) {
        router.ws(Self.path, shouldUpgrade: { request, context in
            try await admit(request, context: context)
        }, onUpgrade: { inbound, outbound, context in
            await serve(inbound: inbound, outbound: outbound, context: context)
        })
    }

    /// Runs before the upgrade: every refusal here reaches the client as a JSON error with its
    /// status (see `UpgradeRejections`).
    private func admit(_ request: Request, context: StreamRequestContext) async throws -> RouterShouldUpgrade {
        let query = try self.query(request)
        guard !hub.isShuttingDown else {
            throw APIError.unavailable("the server is shutting down; reconnect", retryAfterSeconds: 1)
        }
        guard let positions = hub.positions else {
            throw APIError.unavailable("the event feed is starting; retry shortly", retryAfterSeconds: 2)
        }
        if case .resume(let cursor)? = query.replay {
            try joiningTopicsCheck(cursor, feed: positions)
            try await ResumeCursorCheck(metadata: replayer.metadata).check(cursor, feed: positions)
        }
        guard hub.reserveSlot() else {
            throw APIError.unavailable("too many clients (at most \(hub.maxClients)); retry later", retryAfterSeconds: 5)
        }
        let owner = Self.owner(of: request, context: context, tokens: configuration.tokens)
        let isPublic = configuration.access.isPublic(Self.token(request, tokens: configuration.tokens))
        let quota = isPublic ? publicQuota : quota
        let quotaOwner = isPublic
            ? owner + "|" + ClientAddress.of(request, peer: context.channel.remoteAddress?.ipAddress) : owner
        guard quota.take(quotaOwner) else {
            hub.releaseSlot()
            let holder = isPublic ? "public token and address" : configuration.tokens.isOpen ? "address" : "token"
            throw APIError(
                .tooManyRequests, code: "too_many_connections",
                message: "too many connections for this \(holder) (at most \(quota.limit)); close one first",
                headers: [.retryAfter: "5"])
        }
        // The places are held until the connection ends, however it ends.
        context.channel.closeFuture.whenComplete { [hub, quota, owner = quotaOwner] _ in
            hub.releaseSlot()
            quota.give(owner)
        }
        return .upgrade([:])
    }

    /// A cursor naming the topic of a type this instance knows but whose topic the feed has not
    /// joined yet (registered a moment ago) gets 503 with Retry-After: it is served within
    /// seconds. A topic of no known type stays a `400 foreign_cursor` (`ResumeCursorCheck`).
    private func joiningTopicsCheck(_ cursor: StreamCursor, feed positions: [TopicPartition: Int64]) throws(APIError) {
        let served = Set(positions.keys.map(\.topic))
        let start = configuration.names.prefix + RegisteredType.topicBase(for: "")
        let joining = cursor.positions.keys.filter { topic in
            !served.contains(topic) && topic.hasPrefix(start) && registry.entry(named: String(topic.dropFirst(start.count))) != nil
        }
        guard joining.isEmpty else {
            throw .unavailable(
                "the cursor names \(joining.sorted().joined(separator: ", ")), of a registered type this instance is starting to read; retry",
                retryAfterSeconds: 1)
        }
    }

    /// The query with the types the request's token may read and the registered types known now.
    private func query(_ request: Request) throws(APIError) -> StreamQuery {
        try StreamQuery(
            parameters: request.uri.queryParameters, maxLast: configuration.maxReplayCount, registry: registry,
            scope: configuration.access.scope(of: Self.token(request, tokens: configuration.tokens)))
    }

    /// The request's token when the stream checks tokens (verified by the auth middleware).
    static func token(_ request: Request, tokens: BearerTokens) -> String? {
        tokens.isOpen ? nil : BearerAuthMiddleware<StreamRequestContext>.token(in: request, allowQuery: true)
    }

    /// Whose connection this is: its token (already verified by the auth middleware) when the
    /// stream has tokens, otherwise its address (the last X-Forwarded-For hop, which Heroku's
    /// router appends, or the TCP peer).
    static func owner(of request: Request, context: StreamRequestContext, tokens: BearerTokens) -> String {
        if !tokens.isOpen, let token = BearerAuthMiddleware<StreamRequestContext>.token(in: request, allowQuery: true) {
            return "token:" + token
        }
        return "address:" + ClientAddress.of(request, peer: context.channel.remoteAddress?.ipAddress)
    }

    private func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        context: WebSocketRouterContext<StreamRequestContext>
    ) async {
        // Checked in `admit`; parsing again is cheaper than carrying state across the upgrade.
        guard let query = try? self.query(context.request) else { return }
        let scope = configuration.access.scope(of: Self.token(context.request, tokens: configuration.tokens))
        let session = ClientSession(
            id: hub.makeSessionID(),
            outbox: ClientOutbox(capacity: configuration.clientQueueCapacity, policy: configuration.overflowPolicy, filter: query.filter),
            channel: context.requestContext.channel, metrics: metrics)
        let logger = {
            var logger = context.logger
            logger[metadataKey: "client"] = "\(session.id)"
            return logger
        }()
        metrics.connected()
        logger.info("client connected", metadata: ["replay": "\(query.replay.map { "\($0)" } ?? "none")"])
        defer {
            hub.unregister(session)
            logger.info("client disconnected")
        }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                if !(await replayer.run(session, request: query.replay)) {
                    session.requestClose(code: 1001, reason: "the server is shutting down", discardPending: true)
                }
                return false
            }
            group.addTask {
                do {
                    try await session.runWriter(outbound)
                } catch {
                    logger.debug("write failed", metadata: ["error": "\(error)"])
                }
                return true
            }
            group.addTask {
                await readMessages(inbound, session: session, scope: scope, condition: query.filter.condition, logger: logger)
                return true
            }
            // The replay finishing is not the end; the writer or reader finishing is.
            while let connectionEnded = await group.next() {
                if connectionEnded { break }
            }
            group.cancelAll()
        }
    }

    /// Applies `{"filter": ...}` messages (within the token's `scope`, keeping the connection's
    /// `where=` conditions); anything else gets an error frame.
    private func readMessages(
        _ inbound: WebSocketInboundStream, session: ClientSession, scope: Set<String>?, condition: WhereFilter?, logger: Logger
    ) async {
        do {
            for try await message in inbound.messages(maxSize: configuration.maxFrameSize) {
                guard case .text(let text) = message else {
                    session.sendControl(.error(code: "unknown_message", message: "binary messages are not understood; send JSON text"))
                    continue
                }
                switch ClientMessage.parse(text, registry: registry) {
                case .success(.setFilter(var filter)):
                    filter.condition = condition
                    if let scope {
                        do {
                            filter.types = try StreamQuery.scoped(filter.types, to: scope)
                        } catch {
                            session.sendControl(.error(code: "type_not_allowed", message: error.message))
                            continue
                        }
                    }
                    session.setFilter(filter)
                case .failure(let error):
                    session.sendControl(error.frame)
                }
            }
        } catch {
            logger.debug("read failed", metadata: ["error": "\(error)"])
        }
    }
}
