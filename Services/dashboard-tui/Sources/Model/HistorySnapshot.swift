import EDMStatsAPI
import Foundation

/// Everything loaded from stats at one moment: the history the live stream continues.
public struct HistorySnapshot: Sendable, Equatable {
    public var summary: SummaryView
    public var clicks: ClicksView
    public var pageLoads: PageLoadsView
    /// 10-second buckets per event type, oldest first.
    public var series: [String: TimeseriesView]
    public var loadedAt: Date
    /// False when the summary and the per-type documents disagreed on every try (stats was
    /// counting between the requests); the next reload corrects it.
    public var consistent: Bool

    public init(
        summary: SummaryView, clicks: ClicksView, pageLoads: PageLoadsView,
        series: [String: TimeseriesView] = [:], loadedAt: Date, consistent: Bool = true
    ) {
        self.summary = summary
        self.clicks = clicks
        self.pageLoads = pageLoads
        self.series = series
        self.loadedAt = loadedAt
        self.consistent = consistent
    }

    /// Stats' cursor: these totals include exactly the events before it; the stream resumes
    /// there. Nil only from a stats that predates cursors.
    public var cursor: String? { summary.cursor }
}
