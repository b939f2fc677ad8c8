import Hummingbird

/// The request context of the relay: Hummingbird's basics plus the peer address, which keys the
/// rate limit of clients that send no API key.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer (behind Heroku's router: the router; see ``RateLimitMiddleware``).
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
