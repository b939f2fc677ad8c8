import EDMEvents
import Foundation
@testable import StatsService
import Testing

@Suite("A batch's aggregate")
struct BatchAggregateTests {
    /// Clicks, page loads and events whose occurredAt the time policy replaces, over two days,
    /// with several events per 10-second bucket and some on bucket boundaries.
    static func events() throws -> [CountableEvent] {
        var generator = SplitMix(seed: 7)
        return try (0..<3000).map { index in
            let offset = Double(generator.next() % 172_800_000) / 1000
            let time = Events.base.addingTimeInterval(index % 50 == 0 ? Double(index) * 10 : offset)
            let received = index % 17 == 0 ? time.addingTimeInterval(30 * 86_400) : time.addingTimeInterval(0.3)
            if index % 5 == 4 {
                // A registered type's event, counted by plan and seats.
                let event = try Signups.event(
                    account: "a\(index)", plan: "plan-\(index % 3)", seats: index % 10 == 4 ? nil : Int64(index % 4 + 1), at: time)
                let record = try RegisteredRecordDecoder.decode(
                    EventRecord(topic: "edm-ui-signup", partition: 0, offset: 0, value: event.json, timestampMilliseconds: nil),
                    type: Signups.name
                ).get()
                return CountableEvent(record, countBy: ["plan", "seats"], policy: .standard)
            }
            let envelope =
                index % 3 == 0
                ? Events.pageLoad(
                    url: "https://shop.example.com/p/\(index % 7)",
                    userAgent: index % 2 == 0 ? "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)" : "curl/8",
                    at: time, receivedAt: received)
                : Events.click("button-\(index % 11)", at: time, receivedAt: received)
            return CountableEvent(envelope: envelope, policy: .standard)
        }
    }

    @Test("equals summing every event into every table one by one")
    func matchesTheDirectSum() throws {
        let events = try Self.events()
        let aggregate = BatchAggregate(events)
        var types: [String: BatchAggregate.TypeTotal] = [:]
        var buttons: [String: BatchAggregate.ButtonTotal] = [:]
        var devices: [DeviceType: Int64] = [:]
        var urls: [String: Int64] = [:]
        var fieldValues: [BatchAggregate.FieldValueKey: Int64] = [:]
        var typeBuckets: [BatchAggregate.BucketKey: Int64] = [:]
        var buttonBuckets: [BatchAggregate.BucketKey: Int64] = [:]
        for event in events {
            var total = types[event.type] ?? .init(count: 0, lastEventAt: event.bucketTime, lastReceivedAt: event.receivedAt)
            total.count += 1
            total.lastEventAt = max(total.lastEventAt, event.bucketTime)
            total.lastReceivedAt = max(total.lastReceivedAt, event.receivedAt)
            types[event.type] = total
            for width in BucketWidth.allCases {
                typeBuckets[.init(width: width, key: event.type, start: width.start(of: event.bucketTime)), default: 0] += 1
            }
            switch event.detail {
            case .click(let buttonId):
                var button = buttons[buttonId] ?? .init(count: 0, lastClickAt: event.bucketTime)
                button.count += 1
                button.lastClickAt = max(button.lastClickAt, event.bucketTime)
                buttons[buttonId] = button
                for width in BucketWidth.allCases {
                    buttonBuckets[.init(width: width, key: buttonId, start: width.start(of: event.bucketTime)), default: 0] += 1
                }
            case .pageLoad(let deviceType, let url):
                devices[deviceType, default: 0] += 1
                urls[url, default: 0] += 1
            case .registered(let countBy):
                for item in countBy {
                    fieldValues[.init(type: event.type, field: item.field, value: item.value), default: 0] += 1
                }
            case .other:
                break
            }
        }
        #expect(aggregate.types == types)
        #expect(aggregate.buttons == buttons)
        #expect(aggregate.devices == devices)
        #expect(aggregate.urls == urls)
        #expect(aggregate.typeBuckets == typeBuckets)
        #expect(aggregate.buttonBuckets == buttonBuckets)
        #expect(aggregate.fieldValues == fieldValues)
        #expect(fieldValues.values.reduce(0, +) == 600 + 300)  // plan on each of 600, seats on half
        #expect(aggregate.typeBuckets.values.reduce(0, +) == Int64(events.count * BucketWidth.allCases.count))
    }
}

/// A seeded generator, so the events are the same on every run.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
