import EDMEvents
import Foundation

/// What the dashboard keeps of one event from the stream: enough to count it, chart it and show
/// it in the feed, without holding the whole envelope.
public struct LiveEvent: Sendable, Equatable {
    public var id: UUID
    public var type: String
    /// The relay's clock (shown in the feed).
    public var receivedAt: Date
    /// Where stats puts the event in its time buckets (its time basis, see ``bucketTime(occurredAt:receivedAt:)``).
    public var bucketTime: Date
    public var buttonId: String?
    public var deviceType: String?
    /// What the feed shows after the type: the button id or the page URL.
    public var label: String
    public var description: String?

    public init(
        id: UUID, type: String, receivedAt: Date, bucketTime: Date? = nil, buttonId: String? = nil,
        deviceType: String? = nil, label: String = "", description: String? = nil
    ) {
        self.id = id
        self.type = type
        self.receivedAt = receivedAt
        self.bucketTime = bucketTime ?? receivedAt
        self.buttonId = buttonId
        self.deviceType = deviceType
        self.label = label.isEmpty ? (buttonId ?? "") : label
        self.description = description
    }

    public init(envelope: EventEnvelope) {
        let click = envelope.properties(as: ClickProperties.self)
        let pageLoad = envelope.properties(as: PageLoadProperties.self)
        self.init(
            id: envelope.id, type: envelope.type, receivedAt: envelope.receivedAt,
            bucketTime: Self.bucketTime(occurredAt: envelope.occurredAt, receivedAt: envelope.receivedAt),
            buttonId: click?.buttonId, deviceType: pageLoad?.deviceType.rawValue,
            label: click?.buttonId ?? pageLoad?.url ?? "",
            description: click?.description ?? pageLoad?.description)
    }

    /// Stats' time basis (its API documents it): `occurredAt` when it lies within
    /// [receivedAt - 7 days, receivedAt + 5 minutes], otherwise `receivedAt`. Live events go into
    /// the same buckets as the history they continue.
    public static func bucketTime(occurredAt: Date, receivedAt: Date) -> Date {
        let earliest = receivedAt.addingTimeInterval(-7 * 86_400)
        let latest = receivedAt.addingTimeInterval(300)
        return (earliest...latest).contains(occurredAt) ? occurredAt : receivedAt
    }
}
