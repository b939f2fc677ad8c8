import EDMEvents

/// The `where=` conditions of one connection, all of which must hold (ANDed), compiled once.
/// Clients whose conditions have the same canonical ``key`` share one evaluation per event
/// (the hub groups them: see `ClientHub.publish`).
final class WhereFilter: Sendable, Equatable {
    let conditions: [WhereCondition]
    /// The conditions' canonical texts, sorted and deduplicated, joined by `&`.
    let key: String

    init(_ conditions: [WhereCondition]) {
        var seen: Set<String> = []
        let unique = conditions.sorted { $0.text < $1.text }.filter { seen.insert($0.text).inserted }
        self.conditions = unique
        key = unique.map(\.text).joined(separator: "&")
    }

    /// Whether the event satisfies every condition; events without `properties` (the built-in
    /// types) satisfy none.
    func matches(_ event: StreamEvent) -> Bool {
        guard let properties = event.properties else { return false }
        for condition in conditions where !condition.matches(properties) { return false }
        return true
    }

    static func == (lhs: WhereFilter, rhs: WhereFilter) -> Bool { lhs.key == rhs.key }
}
