import Foundation

/// The live events counted on top of the history, kept one by one so that when a new history
/// arrives (reload, reconnect) the deltas can be recomputed exactly: an event stays counted
/// live only while stats has not counted it yet.
///
/// Rule: an event of type T counts live iff its `receivedAt` is after the history's watermark
/// for T (the newest `receivedAt` stats had counted) and its id was not counted before. So an
/// event that is both in the stats totals and arrives on the stream is counted once, and a
/// stream replay after a reconnect adds nothing twice.
public struct LiveLedger: Sendable {
    struct Entry: Sendable {
        var id: UUID
        var type: String
        var receivedAtMilliseconds: Int64
        var bucketStartMilliseconds: Int64
        var buttonId: String?
        var deviceType: String?
    }

    /// Width of the chart buckets (stats' `10s`).
    public static let bucketMilliseconds: Int64 = 10_000

    /// Entries kept one by one at most; beyond, the oldest half is folded into plain counts
    /// (stats unreachable for long while the stream runs): memory stays bounded and the totals
    /// stay right. Folded events cannot be told apart from the next history, so that history
    /// replaces them whole: at worst a short undercount until stats catches up, never a double count.
    public let maxEntries: Int

    private var entries: [Entry] = []
    private var ids: Set<UUID> = []
    private var watermarks: [String: Int64] = [:]

    public private(set) var totals: [String: Int64] = [:]
    public private(set) var buttons: [String: Int64] = [:]
    public private(set) var devices: [String: Int64] = [:]
    /// Per type, bucket start (ms since 1970) -> events.
    public private(set) var buckets: [String: [Int64: Int64]] = [:]
    /// Events refused because stats already counted them (at or before the watermark).
    public private(set) var alreadyInHistory: Int64 = 0
    /// Events refused because the same id was counted live before.
    public private(set) var duplicates: Int64 = 0
    /// Of ``alreadyInHistory``, those since the last rebase: events received at or before the
    /// watermark that arrived after the history was read. Stats may not have counted them all yet
    /// (partitions are consumed independently), so a non-zero value asks for a settling reload.
    public private(set) var refusedSinceRebase: Int64 = 0

    public init(maxEntries: Int = 1_000_000) {
        self.maxEntries = max(2, maxEntries)
    }

    /// Events held one by one.
    public var count: Int { entries.count }
    /// Events folded into plain counts because the ledger was full (since the last history).
    public private(set) var foldedCount: Int64 = 0

    /// Counts `event` unless the history or an earlier delivery already holds it; returns
    /// whether it was counted.
    @discardableResult
    public mutating func add(_ event: LiveEvent) -> Bool {
        let received = Self.milliseconds(event.receivedAt)
        if let watermark = watermarks[event.type], received <= watermark {
            alreadyInHistory += 1
            refusedSinceRebase += 1
            return false
        }
        guard ids.insert(event.id).inserted else {
            duplicates += 1
            return false
        }
        let bucketTime = Self.milliseconds(event.bucketTime)
        let entry = Entry(
            id: event.id, type: event.type, receivedAtMilliseconds: received,
            bucketStartMilliseconds: bucketTime - Self.modulo(bucketTime, Self.bucketMilliseconds),
            buttonId: event.buttonId, deviceType: event.deviceType)
        entries.append(entry)
        count(entry)
        if entries.count > maxEntries { foldOldestHalf() }
        return true
    }

    private mutating func foldOldestHalf() {
        let oldest = entries.prefix(maxEntries / 2)
        for entry in oldest {
            foldedCount += 1
            ids.remove(entry.id)
        }
        entries.removeFirst(oldest.count)
    }

    /// A new history arrived: forget what it now contains and recount the rest.
    public mutating func rebase(on history: HistorySnapshot) {
        watermarks = history.watermarks.mapValues(Self.milliseconds)
        entries.removeAll { entry in
            guard let watermark = watermarks[entry.type] else { return false }
            return entry.receivedAtMilliseconds <= watermark
        }
        ids = Set(entries.map(\.id))
        refusedSinceRebase = 0
        foldedCount = 0
        totals = [:]
        buttons = [:]
        devices = [:]
        buckets = [:]
        for entry in entries { count(entry) }
    }

    private mutating func count(_ entry: Entry) {
        totals[entry.type, default: 0] += 1
        if let buttonId = entry.buttonId { buttons[buttonId, default: 0] += 1 }
        if let deviceType = entry.deviceType { devices[deviceType, default: 0] += 1 }
        buckets[entry.type, default: [:]][entry.bucketStartMilliseconds, default: 0] += 1
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func modulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
