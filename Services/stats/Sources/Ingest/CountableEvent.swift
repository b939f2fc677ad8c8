import EDMEvents
import Foundation

/// The part of an event the aggregates need, projected once when the message is decoded
/// (``EventRecordDecoder/decode(_:projecting:)``: no envelope is built for it).
struct CountableEvent: Sendable, Hashable {
    enum Detail: Sendable, Hashable {
        case click(buttonId: String)
        case pageLoad(deviceType: DeviceType, url: String)
        /// A built-in kind without its own aggregates: counted in totals and type buckets.
        case other
        /// A type registered at runtime: totals and type buckets, plus one count per value of
        /// each of its `countBy` fields the event has.
        case registered(countBy: [CountByValue])
    }

    let id: UUID
    /// False only for a relay-assigned id (``RelayEventID``), which is produced once: the offset
    /// fence alone keeps it from counting twice, so it needs no dedupe record. Every other id
    /// (a client's, one derived from an Idempotency-Key or a record position, an older relay's
    /// UUIDv4) may come again and is remembered for the dedupe window.
    let mayRepeat: Bool
    let type: String
    /// The instant the time buckets use (see ``EventTimePolicy``), in milliseconds since 1970.
    let bucketMilliseconds: Int64
    let receivedMilliseconds: Int64
    let detail: Detail

    init(_ fields: EventFields, policy: EventTimePolicy) {
        let detail: Detail
        if fields.isKind(ClickProperties.self), let buttonId = fields.string("buttonId") {
            detail = .click(buttonId: buttonId)
        } else if fields.isKind(PageLoadProperties.self), let url = fields.string("url"),
            let deviceType = fields.string("deviceType").flatMap(DeviceType.init(rawValue:))
        {
            detail = .pageLoad(deviceType: deviceType, url: url)
        } else {
            detail = .other
        }
        self.init(
            id: fields.id, type: fields.type, occurredAtMilliseconds: fields.occurredAtMilliseconds,
            receivedAtMilliseconds: fields.receivedAtMilliseconds, detail: detail, policy: policy)
    }

    /// An event of a registered type, counted by the `countBy` fields of the version it was
    /// written with.
    init(_ record: RegisteredRecord, countBy: [String], policy: EventTimePolicy) {
        let values = countBy.compactMap { field in
            record.properties[field].flatMap(CountByValue.text).map { CountByValue(field: field, value: $0) }
        }
        self.init(
            id: record.id, type: record.type, occurredAtMilliseconds: record.occurredAtMilliseconds,
            receivedAtMilliseconds: record.receivedAtMilliseconds, detail: .registered(countBy: values), policy: policy)
    }

    private init(
        id: UUID, type: String, occurredAtMilliseconds: Int64, receivedAtMilliseconds: Int64, detail: Detail,
        policy: EventTimePolicy
    ) {
        self.id = id
        mayRepeat = !RelayEventID.isRelayAssigned(id)
        self.type = type
        // Through `Date`s, as every other user of the policy places events.
        let bucketTime = policy.bucketTime(
            occurredAt: EventTimestamp.date(fromMilliseconds: occurredAtMilliseconds),
            receivedAt: EventTimestamp.date(fromMilliseconds: receivedAtMilliseconds))
        bucketMilliseconds = EventTimestamp.milliseconds(from: bucketTime)
        receivedMilliseconds = receivedAtMilliseconds
        self.detail = detail
    }

    init(envelope: EventEnvelope, policy: EventTimePolicy) {
        self.init(EventFields(envelope), policy: policy)
    }

    var bucketTime: Date { EventTimestamp.date(fromMilliseconds: bucketMilliseconds) }
    var receivedAt: Date { EventTimestamp.date(fromMilliseconds: receivedMilliseconds) }
}
