import EDMHTTP
import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Gives a refused WebSocket upgrade its real status and JSON error body.
///
/// hummingbird-websocket 2.8 answers *every* refused upgrade (whatever the router threw: 401,
/// 403, 503, 400) with a bare `400` and no body. To keep the contract every other route has,
/// the WebSocket router's outermost middleware records the error per connection, and a channel
/// handler on the HTTP pipeline swaps that bare 400 for the recorded response as it is written.
final class UpgradeRejections: Sendable {
    struct Rejection: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: ByteBuffer
    }

    private let pending = Mutex<[ObjectIdentifier: Rejection]>([:])

    func record(_ error: APIError, on channel: any Channel) {
        let key = ObjectIdentifier(channel)
        pending.withLock { $0[key] = Self.rejection(for: error) }
        channel.closeFuture.whenComplete { [self] _ in
            _ = pending.withLock { $0.removeValue(forKey: key) }
        }
    }

    func take(for channel: any Channel) -> Rejection? {
        pending.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The same `{"error": {"code", "message", "details"}}` document `APIError` renders.
    static func rejection(for error: APIError) -> Rejection {
        struct Body: Encodable {
            struct Payload: Encodable {
                var code: String
                var message: String
                var details: [APIError.Detail]?
            }
            var error: Payload
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = Body(error: .init(code: error.code, message: error.message, details: error.details.isEmpty ? nil : error.details))
        let data = (try? encoder.encode(payload)) ?? Data(#"{"error":{"code":"internal","message":"internal error"}}"#.utf8)
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Rejection(status: error.status, headers: headers, body: ByteBuffer(bytes: data))
    }
}

/// Outermost middleware of the WebSocket router: records why an upgrade is refused.
struct UpgradeRejectionMiddleware: RouterMiddleware {
    typealias Context = StreamRequestContext
    let rejections: UpgradeRejections
    let metrics: StreamMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            if response.status != .ok {
                record(APIError(response.status, code: "upgrade_refused", message: response.status.reasonPhrase), context)
            }
            return response
        } catch let error as APIError {
            record(error, context)
            throw error
        } catch {
            record(APIError(.internalServerError, code: "internal", message: "internal error"), context)
            throw error
        }
    }

    private func record(_ error: APIError, _ context: Context) {
        metrics.rejected(status: error.status.code)
        rejections.record(error, on: context.channel)
    }
}

/// On the HTTP pipeline of every connection: replaces the bare 400 written for a refused
/// upgrade with the response `UpgradeRejectionMiddleware` recorded for this connection.
final class UpgradeRejectionWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let rejections: UpgradeRejections

    init(rejections: UpgradeRejections) {
        self.rejections = rejections
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let head) = unwrapOutboundIn(data), head.status == .badRequest,
            let rejection = rejections.take(for: context.channel)
        {
            var fields = rejection.headers
            fields[.contentLength] = String(rejection.body.readableBytes)
            fields[.connection] = "close"
            context.write(wrapOutboundOut(.head(HTTPResponse(status: rejection.status, headerFields: fields))), promise: nil)
            context.write(wrapOutboundOut(.body(rejection.body)), promise: promise)
            return
        }
        context.write(data, promise: promise)
    }
}
