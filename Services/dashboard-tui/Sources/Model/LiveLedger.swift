import DequeModule
import Foundation

/// The live events counted on top of one history: every event the stream delivered after the
/// history's cursor (the stream resumes exactly there), each id once. A new history starts a new
/// ledger, so totals are "stats + live" exactly with no time watermarks: the cursor, not a clock,
/// says which events stats had counted.
public struct LiveLedger: Sendable {
    /// Width of the chart buckets (stats' `10s`).
    public static let bucketMilliseconds: Int64 = 10_000

    /// Ids remembered for deduplication: a reconnect re-delivers at most the events after the
    /// last checkpoint (one batch), and stats also drops a repeated id; this bounds memory at any
    /// rate while covering both.
    public let rememberedIDs: Int

    private var ids: Set<UUID> = []
    private var order = Deque<UUID>()

    public private(set) var totals: [String: Int64] = [:]
    public private(set) var buttons: [String: Int64] = [:]
    public private(set) var devices: [String: Int64] = [:]
    /// Per type, bucket start (ms since 1970) -> events.
    public private(set) var buckets: [String: [Int64: Int64]] = [:]
    /// Events refused because the same id was counted before.
    public private(set) var duplicates: Int64 = 0

    public init(rememberedIDs: Int = 100_000) {
        self.rememberedIDs = max(1, rememberedIDs)
    }

    /// Events counted.
    public var count: Int64 { totals.values.reduce(0, +) }

    /// Counts `event` unless its id was counted already; returns whether it was counted.
    @discardableResult
    public mutating func add(_ event: LiveEvent) -> Bool {
        guard ids.insert(event.id).inserted else {
            duplicates += 1
            return false
        }
        order.append(event.id)
        if order.count > rememberedIDs, let oldest = order.popFirst() { ids.remove(oldest) }
        totals[event.type, default: 0] += 1
        if let buttonId = event.buttonId { buttons[buttonId, default: 0] += 1 }
        if let deviceType = event.deviceType { devices[deviceType, default: 0] += 1 }
        let bucketTime = Self.milliseconds(event.bucketTime)
        let bucketStart = bucketTime - Self.modulo(bucketTime, Self.bucketMilliseconds)
        buckets[event.type, default: [:]][bucketStart, default: 0] += 1
        return true
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func modulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
