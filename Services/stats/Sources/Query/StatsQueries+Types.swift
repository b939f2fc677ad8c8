import EDMEvents
import EDMPostgres
import EDMStatsAPI
import Foundation

/// The read side of every type, built-in or registered at runtime (generic tables: totals and
/// buckets keyed by type name, counts per `countBy` field value).
extension StatsQueries {
    /// Every built-in type, every registered one and any type with counted events.
    public func types() async throws -> TypesView {
        var totals: [String: TypesView.TypeTotals] = [:]
        for name in registry.typeNames { totals[name] = TypesView.TypeTotals(type: name, builtIn: true, count: 0) }
        for (name, entry) in registered?.all ?? [:] where totals[name] == nil {
            totals[name] = TypesView.TypeTotals(type: name, builtIn: false, count: 0, countBy: entry.current.type.countBy)
        }
        for row in try await pool.query("SELECT event_type, count, last_event_at, last_received_at FROM stats_event_totals") {
            let name = try row.decode(String.self, at: 0)
            var total = totals[name] ?? TypesView.TypeTotals(type: name, builtIn: false, count: 0)
            total.count = try row.decode(Int64.self, at: 1)
            total.lastEventAt = try row.decode(Date?.self, at: 2)
            total.lastReceivedAt = try row.decode(Date?.self, at: 3)
            totals[name] = total
        }
        let builtIn = registry.typeNames
        return TypesView(
            types: totals.values.sorted { lhs, rhs in
                let (left, right) = (builtIn.firstIndex(of: lhs.type), builtIn.firstIndex(of: rhs.type))
                switch (left, right) {
                case (let l?, let r?): return l < r
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return lhs.type < rhs.type
                }
            })
    }

    /// One type's figures; nil when the type is neither built in, registered nor counted.
    public func typeStats(_ query: TypeStatsQuery) async throws -> TypeStatsView? {
        let type = query.type
        let builtIn = registry.kind(named: type) != nil
        let countBy = registered?.entry(named: type)?.current.type.countBy ?? []
        let totals = try await pool.query(
            "SELECT count, last_event_at, last_received_at FROM stats_event_totals WHERE event_type = $1", [type])
        guard builtIn || registered?.entry(named: type) != nil || !totals.isEmpty else { return nil }
        let range = query.range
        let counts = try await bucketCounts(.type(type), width: range.bucket, from: range.from, to: range.to)
        let points = range.bucketStarts.map { start in
            TimeseriesView.Point(start: start, count: counts[EventTimestamp.milliseconds(from: start)] ?? 0)
        }
        var fields: [String: TypeStatsView.FieldCounts] = [:]
        for field in countBy { fields[field] = TypeStatsView.FieldCounts(field: field, values: [], distinctValues: 0, total: 0) }
        // Per field: the `limit` most counted values, with the field's distinct values and sum.
        for row in try await pool.query(
            """
            SELECT field, value, count, distinct_values, total FROM (
                SELECT field, value, count, count(*) OVER w AS distinct_values, (sum(count) OVER w)::int8 AS total,
                    row_number() OVER (PARTITION BY field ORDER BY count DESC, value) AS rank
                FROM stats_type_field_values WHERE event_type = $1
                WINDOW w AS (PARTITION BY field)) AS ranked
            WHERE rank <= $2 ORDER BY field, count DESC, value
            """, [type, Int64(query.limit)])
        {
            let field = try row.decode(String.self, at: 0)
            var counts = fields[field] ?? TypeStatsView.FieldCounts(field: field, values: [], distinctValues: 0, total: 0)
            counts.values.append(TypeStatsView.ValueCount(value: try row.decode(String.self, at: 1), count: try row.decode(Int64.self, at: 2)))
            counts.distinctValues = try row.decode(Int64.self, at: 3)
            counts.total = try row.decode(Int64.self, at: 4)
            fields[field] = counts
        }
        return TypeStatsView(
            type: type, builtIn: builtIn, count: try totals.first?.decode(Int64.self, at: 0) ?? 0,
            lastEventAt: try totals.first?.decode(Date?.self, at: 1), lastReceivedAt: try totals.first?.decode(Date?.self, at: 2),
            countBy: fields.values.sorted { $0.field < $1.field }, bucket: range.bucket.apiBucket, from: range.from,
            to: range.to, points: points, timeBasis: policy.summary)
    }
}
