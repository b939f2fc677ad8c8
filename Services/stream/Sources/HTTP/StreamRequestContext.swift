import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Request context of the WebSocket router. It keeps the connection's channel so a refused
/// upgrade can be answered with its real status (see `UpgradeRejections`) and a client that
/// stops reading can be disconnected.
public struct StreamRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<StreamRequestContext>
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
