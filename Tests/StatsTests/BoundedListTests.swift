import EDMEvents
import EDMStatsAPI
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import StatsService
import TestSupport
import Testing

/// No request makes a list unbounded: every list route returns at most `StatsRoutes.maximumLimit`
/// rows (the legacy ones included), and the OpenAPI document states each maximum.
@Suite("Every stats list is bounded")
struct BoundedListTests {
    static let rows = StatsRoutes.maximumLimit + 5

    @Test("clicks, page loads and the legacy lists never return more than the maximum")
    func listsAreCapped() async throws {
        let world = try await StatsWorld.make(partitions: 1)
        // More buttons, URLs and days than any response may hold; button b0001 has the most clicks.
        try await world.pool.execute(
            """
            INSERT INTO stats_button_clicks (button_id, count, last_click_at)
            SELECT 'b' || lpad(i::text, 4, '0'), 10000 - i, now() FROM generate_series(1, $1) AS i
            """, [Self.rows])
        try await world.pool.execute(
            """
            INSERT INTO stats_pageloads_by_url (url, count)
            SELECT 'https://shop.example/' || i, 10000 - i FROM generate_series(1, $1) AS i
            """, [Self.rows])
        try await world.pool.execute(
            """
            INSERT INTO stats_type_buckets (bucket_seconds, event_type, bucket_start, count)
            SELECT 86400, 'click', timestamptz '2020-01-01 00:00:00+00' + make_interval(days => i::int), i
            FROM generate_series(1, $1) AS i
            """, [Self.rows])
        let app = Application(router: world.router(), logger: quietLogger)
        try await app.test(.router) { client in
            let legacyCounts = try await client.getJSON("/api/clickCount", as: [LegacyClickCount].self)
            #expect(legacyCounts.count == StatsRoutes.maximumLimit)
            #expect(legacyCounts.first?.button_id == "b0001")
            let topThree = try await client.getJSON("/api/clickCount?limit=3", as: [LegacyClickCount].self)
            #expect(topThree.map(\.button_id) == ["b0001", "b0002", "b0003"])

            // The latest days, oldest first (the reference's order).
            let history = try await client.getJSON("/api/clickHistory", as: [LegacyClickDay].self)
            #expect(history.count == StatsRoutes.maximumLimit)
            #expect(history.last?.clicks == String(Self.rows))
            #expect(history.first?.clicks == String(Self.rows - StatsRoutes.maximumLimit + 1))
            let lastTwo = try await client.getJSON("/api/clickHistory?limit=2", as: [LegacyClickDay].self)
            #expect(lastTwo.map(\.clicks) == [String(Self.rows - 1), String(Self.rows)])

            let clicks = try await client.getJSON("/v1/stats/clicks?limit=\(StatsRoutes.maximumLimit)", as: ClicksView.self)
            #expect(clicks.buttons.count == StatsRoutes.maximumLimit)
            #expect(clicks.distinctButtons == Int64(Self.rows))
            #expect(try await client.getJSON("/v1/stats/clicks", as: ClicksView.self).buttons.count == StatsRoutes.defaultLimit)
            let pages = try await client.getJSON("/v1/stats/pageloads?limit=\(StatsRoutes.maximumLimit)", as: PageLoadsView.self)
            #expect(pages.byUrl.count == StatsRoutes.maximumLimit)
            #expect(pages.distinctUrls == Int64(Self.rows))
            #expect(try await client.get("/v1/stats/pageloads?limit=\(StatsRoutes.maximumLimit + 1)").status == 400)
        }
    }

    @Test("a time series holds at most maximumPoints buckets; one more is a 400 naming the counts")
    func timeseriesIsCapped() async throws {
        let now = try #require(EventTimestamp.date(from: "2026-01-01T00:00:00Z"))
        let from = now.addingTimeInterval(-10 * Double(TimeseriesQuery.maximumPoints))
        let full = try TimeseriesQuery(type: "click", buttonId: nil, bucket: .tenSeconds, from: from, to: now, now: now)
        #expect(full.bucketStarts.count == TimeseriesQuery.maximumPoints)
        let error = #expect(throws: APIParameterError.self) {
            try TimeseriesQuery(type: "click", buttonId: nil, bucket: .tenSeconds, from: from.addingTimeInterval(-10), to: now, now: now)
        }
        #expect(error?.parameter == "bucket")
        #expect(error?.message.contains("\(TimeseriesQuery.maximumPoints + 1) buckets") == true, "\(String(describing: error))")
    }

    @Test("the OpenAPI document states the maximum of every list's limit")
    func documentStatesEveryMaximum() throws {
        let document = try JSONValue.parse(StatsOpenAPI.json())
        for path in ["/v1/stats/clicks", "/v1/stats/pageloads", "/api/clickCount", "/api/clickHistory"] {
            let parameters = document["paths"]?[path]?["get"]?["parameters"]?.arrayValue ?? []
            let limit = parameters.first { $0["name"] == "limit" }
            #expect(limit?["schema"]?["maximum"]?.int64Value == Int64(StatsRoutes.maximumLimit), "\(path)")
        }
        let from = document["paths"]?["/v1/stats/timeseries"]?["get"]?["parameters"]?.arrayValue?.first { $0["name"] == "from" }
        #expect(from?["description"]?.stringValue?.contains("At most \(TimeseriesQuery.maximumPoints) buckets") == true)
    }
}
