import Foundation
import Hummingbird

/// `POST /v1/events`: one event or a batch, validated whole, answered after the broker's ack.
struct EventRoutes: Sendable {
    static let path = "/v1/events"

    let reader: RequestBodyReader
    let inbound: InboundEvents
    let publisher: EventPublisher
    let cors: CORSPolicy
    let idempotency: IdempotencyCheck
    let scopes: KeyScopes

    func add(to router: Router<RelayRequestContext>) {
        router.post(RouterPath(Self.path)) { request, context in
            let key = try IdempotencyKey.from(request)
            let body = try await reader.read(request)
            let parsed = try inbound.parseV1(body, receivedAt: Date(), key: key)
            try scopes.check(request, types: parsed.outbound.map { $0.map(\.type) } ?? parsed.events.map(\.type))
            try idempotency.admit(key, parsed, request: request, context: context)
            if let outbound = parsed.outbound {
                return AcceptedResponse.make(ids: try await publisher.publish(outbound))
            }
            return AcceptedResponse.make(ids: try await publisher.publish(parsed.events))
        }
        router.on(RouterPath(Self.path), method: .options) { [cors] request, _ in
            CORSPreflight.response(to: request, policy: cors)
        }
    }
}
