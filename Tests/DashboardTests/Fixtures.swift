import DashboardTUI
import EDMStatsAPI
import Foundation

/// Builders for models, histories and events with fixed clocks, so rendered text is stable.
enum Fixtures {
    /// 2024-05-01T12:00:00Z.
    static let noon = Date(timeIntervalSince1970: 1_714_564_800)

    static func history(
        clicks: Int64 = 0, pageLoads: Int64 = 0, buttons: [(String, Int64)] = [], devices: [String: Int64] = [:],
        clickWatermark: Date? = nil, pageLoadWatermark: Date? = nil, series: [String: [Int64]] = [:], loadedAt: Date = noon,
        cursor: String? = "c1.AA"
    ) -> HistorySnapshot {
        var timeseries: [String: TimeseriesView] = [:]
        for (type, counts) in series {
            // Buckets ending with the one holding `loadedAt`.
            let current = floor(loadedAt.timeIntervalSince1970 / 10) * 10
            let points = counts.enumerated().map { index, count in
                TimeseriesView.Point(
                    start: Date(timeIntervalSince1970: current - Double(counts.count - 1 - index) * 10), count: count)
            }
            timeseries[type] = TimeseriesView(
                type: type, bucket: .tenSeconds, from: points.first?.start ?? loadedAt, to: loadedAt, points: points)
        }
        return HistorySnapshot(
            summary: SummaryView(
                totalEvents: clicks + pageLoads,
                types: [
                    "click": .init(count: clicks, lastEventAt: clickWatermark, lastReceivedAt: clickWatermark),
                    "pageload": .init(count: pageLoads, lastEventAt: pageLoadWatermark, lastReceivedAt: pageLoadWatermark),
                ],
                cursor: cursor),
            clicks: ClicksView(
                buttons: buttons.map { ClicksView.Button(buttonId: $0.0, clicks: $0.1, lastClickAt: loadedAt) },
                totalClicks: clicks, distinctButtons: Int64(buttons.count), limit: 1000),
            pageLoads: PageLoadsView(
                totalPageLoads: pageLoads, byDeviceType: devices, byUrl: [], distinctUrls: 0, limit: 1),
            series: timeseries, loadedAt: loadedAt)
    }

    static func click(_ buttonId: String, at receivedAt: Date, id: UUID = UUID(), description: String? = nil) -> LiveEvent {
        LiveEvent(id: id, type: "click", receivedAt: receivedAt, buttonId: buttonId, description: description)
    }

    static func pageLoad(_ url: String, device: String, at receivedAt: Date, id: UUID = UUID()) -> LiveEvent {
        LiveEvent(id: id, type: "pageload", receivedAt: receivedAt, deviceType: device, label: url)
    }

    /// A model showing `history`, both links connected, the stream resumed from its cursor and live.
    static func model(_ history: HistorySnapshot? = nil, now: Date = noon) -> DashboardModel {
        var model = DashboardModel(now: now)
        if let history { _ = model.update(.historyLoaded(history)) }
        _ = model.update(.statsStatus(.connected(since: now)))
        _ = model.update(.streamStatus(.connected(since: now)))
        _ = model.update(.streamResumed(generation: model.historyGeneration, cursor: model.cursor))
        _ = model.update(.frame(.live(replayed: 0, cursor: model.cursor)))
        return model
    }

    static func render(_ model: DashboardModel, _ columns: Int, _ rows: Int) -> CellBuffer {
        DashboardView(theme: Theme(utcOffsetSeconds: 0)).render(model, size: TerminalSize(columns: columns, rows: rows))
    }
}

extension CellBuffer {
    /// The first line containing `text`.
    func line(containing text: String) -> String? {
        lines.first { $0.contains(text) }
    }
}

extension String {
    func occurrences(of character: Character) -> Int { filter { $0 == character }.count }
}
