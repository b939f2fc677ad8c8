import EDMEvents
import EDMStatsAPI
import Foundation

/// The alerts panel's data: recent alerts from stats (`GET /v1/alerts`) and from the stream
/// (events of type `alert`), newest first, each id once, at most `capacity`. Alerts never
/// enter the event totals, the rate or the feed: they are not storefront events.
public struct AlertBoard: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var rule: String
        public var key: String
        public var level: AlertLevel
        public var resolved: Bool
        public var count: Int64
        public var threshold: Int64
        public var receivedAt: Date

        public init(
            id: String, rule: String, key: String, level: AlertLevel, resolved: Bool, count: Int64, threshold: Int64,
            receivedAt: Date
        ) {
            self.id = id
            self.rule = rule
            self.key = key
            self.level = level
            self.resolved = resolved
            self.count = count
            self.threshold = threshold
            self.receivedAt = receivedAt
        }

        public init(envelope: EventEnvelope, alert: AlertProperties) {
            self.init(
                id: envelope.id.uuidString.lowercased(), rule: alert.rule, key: alert.key, level: alert.level,
                resolved: alert.resolved, count: alert.count, threshold: alert.threshold, receivedAt: envelope.receivedAt)
        }

        public init(_ alert: AlertsView.Alert) {
            self.init(
                id: alert.id, rule: alert.rule, key: alert.key, level: alert.level, resolved: alert.resolved,
                count: alert.count, threshold: alert.threshold, receivedAt: alert.receivedAt)
        }
    }

    public private(set) var entries: [Entry] = []
    public var capacity: Int

    public init(capacity: Int = 50) {
        self.capacity = capacity
    }

    public mutating func add(_ new: [Entry]) {
        var known = Set(entries.map(\.id))
        let fresh = new.filter { known.insert($0.id).inserted }
        guard !fresh.isEmpty else { return }
        entries = (entries + fresh).sorted { ($0.receivedAt, $0.id) > ($1.receivedAt, $1.id) }
        if entries.count > capacity { entries.removeLast(entries.count - capacity) }
    }

    /// Keys whose latest alert is not a resolution, by level (what is alerting now).
    public var open: [AlertLevel: Int] {
        var latest: [String: Entry] = [:]
        for entry in entries where latest["\(entry.rule)\u{0}\(entry.key)"] == nil {
            latest["\(entry.rule)\u{0}\(entry.key)"] = entry
        }
        var counts: [AlertLevel: Int] = [:]
        for entry in latest.values where !entry.resolved { counts[entry.level, default: 0] += 1 }
        return counts
    }
}
