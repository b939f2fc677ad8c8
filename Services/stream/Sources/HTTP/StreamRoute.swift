import EDMHTTP
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
        let query = try StreamQuery(parameters: request.uri.queryParameters, maxLast: configuration.maxReplayCount)
        guard !hub.isShuttingDown else {
            throw APIError.unavailable("the server is shutting down; reconnect", retryAfterSeconds: 1)
        }
        guard let positions = hub.positions else {
            throw APIError.unavailable("the event feed is starting; retry shortly", retryAfterSeconds: 2)
        }
        if case .resume(let cursor)? = query.replay {
            try await ResumeCursorCheck(metadata: replayer.metadata).check(cursor, feed: positions)
        }
        guard hub.reserveSlot() else {
            throw APIError.unavailable("too many clients (at most \(hub.maxClients)); retry later", retryAfterSeconds: 5)
        }
        let owner = Self.owner(of: request, context: context, tokens: configuration.tokens)
        guard quota.take(owner) else {
            hub.releaseSlot()
            throw APIError(
                .tooManyRequests, code: "too_many_connections",
                message: "too many connections for this \(configuration.tokens.isOpen ? "address" : "token") "
                    + "(at most \(quota.limit)); close one first",
                headers: [.retryAfter: "5"])
        }
        // The places are held until the connection ends, however it ends.
        context.channel.closeFuture.whenComplete { [hub, quota] _ in
            hub.releaseSlot()
            quota.give(owner)
        }
        return .upgrade([:])
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
        guard let query = try? StreamQuery(parameters: context.request.uri.queryParameters, maxLast: configuration.maxReplayCount)
        else { return }
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
                await readMessages(inbound, session: session, logger: logger)
                return true
            }
            // The replay finishing is not the end; the writer or reader finishing is.
            while let connectionEnded = await group.next() {
                if connectionEnded { break }
            }
            group.cancelAll()
        }
    }

    /// Applies `{"filter": ...}` messages; anything else gets an error frame.
    private func readMessages(_ inbound: WebSocketInboundStream, session: ClientSession, logger: Logger) async {
        do {
            for try await message in inbound.messages(maxSize: configuration.maxFrameSize) {
                guard case .text(let text) = message else {
                    session.sendControl(.error(code: "unknown_message", message: "binary messages are not understood; send JSON text"))
                    continue
                }
                switch ClientMessage.parse(text) {
                case .success(.setFilter(let filter)):
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
