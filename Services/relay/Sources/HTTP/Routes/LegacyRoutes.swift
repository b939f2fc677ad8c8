import EDMEvents
import Foundation
import Hummingbird

/// The reference relay's routes, so its browser storefront works unchanged: the same payload,
/// but the route (not the client) decides the event type and topic, and the answer comes only
/// after the broker's acknowledgement.
struct LegacyRoutes: Sendable {
    struct Route: Sendable {
        let path: String
        let kind: any EventProperties.Type
    }

    static let all = [
        Route(path: "/produceClickMessage", kind: ClickProperties.self),
        Route(path: "/producePageLoad", kind: PageLoadProperties.self),
    ]

    let reader: RequestBodyReader
    let inbound: InboundEvents
    let publisher: EventPublisher
    let cors: CORSPolicy
    let idempotency: IdempotencyCheck
    let scopes: KeyScopes

    func add(to router: Router<RelayRequestContext>) {
        for route in Self.all {
            let type = route.kind.eventType
            router.post(RouterPath(route.path)) { request, context in
                try scopes.check(request, types: [type])
                let key = try IdempotencyKey.from(request)
                let body = try await reader.read(request)
                let parsed = try inbound.parseLegacy(body, type: type, receivedAt: Date(), key: key)
                try idempotency.admit(key, parsed, request: request, context: context)
                return AcceptedResponse.make(ids: try await publisher.publish(parsed.events))
            }
            router.on(RouterPath(route.path), method: .options) { [cors] request, _ in
                CORSPreflight.response(to: request, policy: cors)
            }
        }
    }
}
