import EDMEvents
import EDMStatsAPI
import Foundation
import Synchronization

/// The most recent alerts from `edm-alerts`, kept in memory for `GET /v1/alerts`: bounded,
/// newest first (by the alerts service's clock), each id once (a republished alert after an
/// alerts restart has the same id and is dropped here).
///
/// In memory rather than in PostgreSQL: alerts are few, Kafka already keeps them, and every
/// stats instance rebuilds the list by reading the topic's recent records on start
/// (``AlertFeed``). Alerts are not counted as storefront events (stats' group never reads
/// `edm-alerts`).
public final class RecentAlerts: Sendable {
    public let capacity: Int
    private let state = Mutex<[AlertsView.Alert]>([])

    public static let defaultCapacity = 1_000

    public init(capacity: Int = defaultCapacity) {
        self.capacity = capacity
    }

    /// Adds alerts not seen before, keeping the newest `capacity`.
    public func add(_ alerts: [AlertsView.Alert]) {
        guard !alerts.isEmpty else { return }
        state.withLock { list in
            var ids = Set(list.map(\.id))
            for alert in alerts where ids.insert(alert.id).inserted { list.append(alert) }
            list.sort { ($0.receivedAt, $0.id) > ($1.receivedAt, $1.id) }
            if list.count > capacity { list.removeLast(list.count - capacity) }
        }
    }

    public func view(limit: Int) -> AlertsView {
        AlertsView(alerts: state.withLock { Array($0.prefix(limit)) }, limit: limit, capacity: capacity)
    }
}
