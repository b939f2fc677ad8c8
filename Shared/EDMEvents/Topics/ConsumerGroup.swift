/// A Kafka consumer group, before `KAFKA_PREFIX`.
///
/// Each consuming service has its own group so each sees every event; the names are the ones
/// pre-created on Heroku (`heroku kafka:consumer-groups:create`), so they must not change.
public struct ConsumerGroup: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The stream service (pushes events to browsers).
    public static let stream = ConsumerGroup(rawValue: "edm-consumer-group-1")
    /// The stats service (counts into Postgres).
    public static let stats = ConsumerGroup(rawValue: "edm-consumer-group-2")
    /// The alerts service (windows over the client events; rebuilt from Kafka, not stored).
    public static let alerts = ConsumerGroup(rawValue: "edm-alerts")

    public var description: String { rawValue }
}
