import EDMEvents
import Foundation

/// Everything the screen shows, and nothing about how: the update functions change it, the view
/// reads it. History (stats) and live (stream) figures are kept apart and merged on read: live
/// counts only what the stream delivered after the history's cursor, so no event is counted
/// twice and none is missed.
public struct DashboardModel: Sendable {
    public var history: HistorySnapshot?
    public var ledger = LiveLedger()
    public var stats: LinkStatus = .idle
    public var stream: LinkStatus = .idle
    public var feed: EventFeed
    public var rate = RateMeter()
    public var alerts = AlertBoard()
    /// Event types in the order the screen lists them (registry order, then any others stats knows).
    public var knownTypes: [String]
    /// The feed shows only this type (nil: all); `f` cycles through ``knownTypes``.
    public var typeFilter: String?
    public var showHelp = false
    /// The stream is replaying the events after the history's cursor and has not said `live`
    /// yet: those events are counted but are not "now", so they stay out of the rate.
    public var replaying = false
    /// Which history the live counts continue: each loaded history starts a new generation
    /// (and a new ledger); stream frames count only while the stream serves the same one.
    public internal(set) var historyGeneration = 0
    /// The generation of the stream connection whose frames are arriving.
    public internal(set) var streamGeneration = 0
    /// The newest cursor the stream gave for the current generation: the figures include
    /// exactly the events before it (the history's cursor before the stream said anything).
    public internal(set) var cursor: String?
    /// Events delivered since ``cursor`` was given: zero on a checkpoint boundary.
    public internal(set) var eventsSinceCursor = 0
    /// Records a resume found gone from Kafka (older than retention) since the last history.
    public internal(set) var missedRecords: Int64 = 0
    /// One line of news (dropped events, errors from the stream), with when it was set.
    public var notice: (text: String, at: Date)?
    public var now: Date
    /// Monotonic seconds for the rate meter (wall clock jumps must not distort rates).
    public var monotonicSecond: Int64 = 0
    /// Frames that were neither events nor known control frames.
    public var undecodableFrames: Int64 = 0
    /// When the last reload was asked for (cleared when history arrives), to avoid a burst.
    var reloadRequestedAt: Date?

    public init(now: Date, knownTypes: [String] = EventRegistry.standard.typeNames, feedCapacity: Int = 200) {
        self.now = now
        self.knownTypes = knownTypes
        feed = EventFeed(capacity: feedCapacity)
    }

    // MARK: - Merged figures (history + live)

    public func total(of type: String) -> Int64 {
        (history?.summary.types[type]?.count ?? 0) + ledger.totals[type, default: 0]
    }

    public var totalEvents: Int64 {
        var types = Set(knownTypes)
        if let history { types.formUnion(history.summary.types.keys) }
        types.formUnion(ledger.totals.keys)
        return types.reduce(0) { $0 + total(of: $1) }
    }

    /// Buttons by merged clicks, most clicked first (ties by id).
    public func topButtons(_ limit: Int) -> [(buttonId: String, clicks: Int64)] {
        var merged: [String: Int64] = [:]
        for button in history?.clicks.buttons ?? [] { merged[button.buttonId] = button.clicks }
        for (buttonId, clicks) in ledger.buttons { merged[buttonId, default: 0] += clicks }
        return merged.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(max(0, limit)).map { ($0.key, $0.value) }
    }

    /// Page loads per device type, every known device type listed (zeros too).
    public var deviceCounts: [(device: String, count: Int64)] {
        var merged = Dictionary(uniqueKeysWithValues: DeviceType.allCases.map { ($0.rawValue, Int64(0)) })
        for (device, count) in history?.pageLoads.byDeviceType ?? [:] { merged[device, default: 0] += count }
        for (device, count) in ledger.devices { merged[device, default: 0] += count }
        let order = DeviceType.allCases.map(\.rawValue)
        return merged.sorted { (order.firstIndex(of: $0.key) ?? .max, $0.key) < (order.firstIndex(of: $1.key) ?? .max, $1.key) }
            .map { ($0.key, $0.value) }
    }

    /// Events per second of `type` in the last `buckets` 10-second buckets ending with the one
    /// holding `now`, oldest first: stats' time series continued by live events.
    public func rateSeries(of type: String, buckets: Int) -> [Double] {
        guard buckets > 0 else { return [] }
        let width = LiveLedger.bucketMilliseconds
        let nowMilliseconds = LiveLedger.milliseconds(now)
        let current = nowMilliseconds - LiveLedger.modulo(nowMilliseconds, width)
        var history: [Int64: Int64] = [:]
        for point in self.history?.series[type]?.points ?? [] {
            history[LiveLedger.milliseconds(point.start)] = point.count
        }
        let live = ledger.buckets[type] ?? [:]
        return (0..<buckets).map { index in
            let start = current - Int64(buckets - 1 - index) * width
            let count = history[start, default: 0] + live[start, default: 0]
            return Double(count) / Double(width / 1000)
        }
    }

    /// Events per second arriving now (live events only).
    public var currentRate: Double {
        var meter = rate
        return meter.rate(atSecond: monotonicSecond)
    }

    /// Whether the feed shows `event` under the current type filter.
    public func feedShows(_ event: LiveEvent) -> Bool {
        typeFilter.map { $0 == event.type } ?? true
    }
}
