import EDMEvents
import Foundation

/// The increments one batch adds to each aggregate table, summed in memory so each table gets
/// one multi-row upsert per batch. Rows are sorted by key: concurrent batches (two members, or
/// a zombie) then lock rows in the same order and cannot deadlock.
struct BatchAggregate: Sendable {
    struct TypeTotal: Sendable, Equatable {
        var count: Int64
        var lastEventAt: Date
        var lastReceivedAt: Date
    }

    struct ButtonTotal: Sendable, Equatable {
        var count: Int64
        var lastClickAt: Date
    }

    struct BucketKey: Hashable, Comparable, Sendable {
        var width: BucketWidth
        /// The event type or the button id.
        var key: String
        var start: Date

        static func < (lhs: BucketKey, rhs: BucketKey) -> Bool {
            (lhs.width.seconds, lhs.key, lhs.start) < (rhs.width.seconds, rhs.key, rhs.start)
        }
    }

    private(set) var types: [String: TypeTotal] = [:]
    private(set) var buttons: [String: ButtonTotal] = [:]
    private(set) var devices: [DeviceType: Int64] = [:]
    private(set) var urls: [String: Int64] = [:]
    private(set) var typeBuckets: [BucketKey: Int64] = [:]
    private(set) var buttonBuckets: [BucketKey: Int64] = [:]

    init(_ events: some Sequence<CountableEvent>) {
        for event in events { add(event) }
    }

    var isEmpty: Bool { types.isEmpty }

    private mutating func add(_ event: CountableEvent) {
        types[event.type, default: TypeTotal(count: 0, lastEventAt: event.bucketTime, lastReceivedAt: event.receivedAt)]
            .merge(event)
        for width in BucketWidth.allCases {
            typeBuckets[BucketKey(width: width, key: event.type, start: width.start(of: event.bucketTime)), default: 0] += 1
        }
        switch event.detail {
        case .click(let buttonId):
            var total = buttons[buttonId] ?? ButtonTotal(count: 0, lastClickAt: event.bucketTime)
            total.count += 1
            total.lastClickAt = max(total.lastClickAt, event.bucketTime)
            buttons[buttonId] = total
            for width in BucketWidth.allCases {
                buttonBuckets[BucketKey(width: width, key: buttonId, start: width.start(of: event.bucketTime)), default: 0] += 1
            }
        case .pageLoad(let deviceType, let url):
            devices[deviceType, default: 0] += 1
            urls[url, default: 0] += 1
        case .other:
            break
        }
    }

    var sortedTypes: [(type: String, total: TypeTotal)] {
        types.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    var sortedButtons: [(buttonId: String, total: ButtonTotal)] {
        buttons.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    var sortedDevices: [(deviceType: DeviceType, count: Int64)] {
        devices.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }
    }

    /// Any total order prevents deadlocks as long as every batch uses the same one.
    var sortedURLs: [(url: String, count: Int64)] {
        urls.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    var sortedTypeBuckets: [(key: BucketKey, count: Int64)] {
        typeBuckets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    var sortedButtonBuckets: [(key: BucketKey, count: Int64)] {
        buttonBuckets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

extension BatchAggregate.TypeTotal {
    fileprivate mutating func merge(_ event: CountableEvent) {
        count += 1
        lastEventAt = max(lastEventAt, event.bucketTime)
        lastReceivedAt = max(lastReceivedAt, event.receivedAt)
    }
}
