import Foundation
import Hummingbird

/// `POST /v1/events`: one event or a batch, validated whole, answered after the broker's ack.
struct EventRoutes: Sendable {
    static let path = "/v1/events"

    let reader: RequestBodyReader
    let inbound: InboundEvents
    let ingestor: EventIngestor
    let cors: CORSPolicy

    func add(to router: Router<RelayRequestContext>) {
        router.post(RouterPath(Self.path)) { request, _ in
            let body = try await reader.read(request)
            let events = try inbound.parseV1(body, receivedAt: Date())
            return AcceptedResponse.make(ids: try await ingestor.publish(events))
        }
        router.on(RouterPath(Self.path), method: .options) { [cors] request, _ in
            CORSPreflight.response(to: request, policy: cors)
        }
    }
}
