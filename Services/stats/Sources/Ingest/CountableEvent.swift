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
    /// False only for a relay-assigned id (``RelayEventID``), which is produced once: the offset
    /// fence alone keeps it from counting twice, so it needs no dedupe record. Every other id
    /// (a client's, one derived from an Idempotency-Key or a record position, an older relay's
    /// UUIDv4) may come again and is remembered for the dedupe window.
    let mayRepeat: Bool
    let type: String
    /// The instant the time buckets use (see ``EventTimePolicy``).
    let bucketTime: Date
    let receivedAt: Date
    let detail: Detail

    init(envelope: EventEnvelope, policy: EventTimePolicy) {
        id = envelope.id
        mayRepeat = !RelayEventID.isRelayAssigned(envelope.id)
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
