import EDMEvents
import Foundation

/// The part of an event the aggregates need, extracted once when the message is decoded.
struct CountableEvent: Sendable, Hashable {
    enum Detail: Sendable, Hashable {
        case click(buttonId: String)
        case pageLoad(deviceType: DeviceType, url: String)
        /// A registered type without its own aggregates: counted in totals and type buckets.
        case other
    }

    let id: UUID
    let type: String
    /// The instant the time buckets use (see ``EventTimePolicy``).
    let bucketTime: Date
    let receivedAt: Date
    let detail: Detail

    init(envelope: EventEnvelope, policy: EventTimePolicy) {
        id = envelope.id
        type = envelope.type
        bucketTime = policy.bucketTime(occurredAt: envelope.occurredAt, receivedAt: envelope.receivedAt)
        receivedAt = envelope.receivedAt
        if let click = envelope.properties(as: ClickProperties.self) {
            detail = .click(buttonId: click.buttonId)
        } else if let pageLoad = envelope.properties(as: PageLoadProperties.self) {
            detail = .pageLoad(deviceType: pageLoad.deviceType, url: pageLoad.url)
        } else {
            detail = .other
        }
    }
}
