@testable import DashboardTUI
import Foundation
import Testing

@Suite("History and live figures merge exactly at stats' cursor")
struct MergeTests {
    let noon = Fixtures.noon
    var history: HistorySnapshot {
        Fixtures.history(
            clicks: 10, pageLoads: 4, buttons: [("tent", 6), ("stove", 4)], devices: ["mobile": 4], cursor: "c1.history")
    }

    @Test("every live event after the history's cursor adds to the history totals, whatever its clock says")
    func liveAfterCursor() {
        var model = Fixtures.model(history)
        // Clocks do not matter any more: an event received "before" the history still counts,
        // because the stream delivers only events after stats' cursor.
        _ = model.update(.frame(.event(Fixtures.click("tent", at: noon.addingTimeInterval(-3_600)))))
        _ = model.update(.frame(.event(Fixtures.pageLoad("https://x/", device: "tablet", at: noon.addingTimeInterval(2)))))
        #expect(model.total(of: "click") == 11)
        #expect(model.total(of: "pageload") == 5)
        #expect(model.totalEvents == 16)
        #expect(model.topButtons(1).first! == ("tent", 7))
        #expect(model.deviceCounts.first { $0.device == "tablet" }!.count == 1)
        #expect(model.deviceCounts.first { $0.device == "mobile" }!.count == 4)
    }

    @Test("the same event delivered twice (a reconnect re-sends the last batch) is counted once")
    func duplicateDelivery() {
        var model = Fixtures.model(history)
        let event = Fixtures.click("tent", at: noon)
        _ = model.update(.frame(.event(event)))
        _ = model.update(.frame(.event(event)))
        #expect(model.total(of: "click") == 11)
        #expect(model.ledger.duplicates == 1)
    }

    @Test("a new history starts over at its cursor; frames of the old connection are not counted")
    func newHistory() {
        var model = Fixtures.model(history)
        for index in 0..<4 { _ = model.update(.frame(.event(Fixtures.click("tent", at: noon.addingTimeInterval(Double(index)))))) }
        #expect(model.total(of: "click") == 14)
        // Stats has since counted three of them, and one more the stream had not sent yet.
        let newer = Fixtures.history(
            clicks: 14, pageLoads: 4, buttons: [("tent", 10), ("stove", 4)], devices: ["mobile": 4], cursor: "c1.newer")
        _ = model.update(.historyLoaded(newer))
        #expect(model.total(of: "click") == 14)
        #expect(model.cursor == "c1.newer")
        // The old connection's last frames arrive before it moves: ignored.
        _ = model.update(.frame(.event(Fixtures.click("tent", at: noon.addingTimeInterval(4)))))
        #expect(model.total(of: "click") == 14)
        // The connection resumed from the new cursor counts again.
        _ = model.update(.streamResumed(generation: model.historyGeneration, cursor: "c1.newer"))
        _ = model.update(.frame(.event(Fixtures.click("stove", at: noon.addingTimeInterval(5)))))
        #expect(model.total(of: "click") == 15)
        #expect(model.topButtons(2).map(\.clicks) == [10, 5])
    }

    @Test("checkpoints move the cursor; the figures are exact as of the newest one")
    func checkpoints() {
        var model = Fixtures.model(history)
        #expect(model.cursor == "c1.history")
        _ = model.update(.frame(.event(Fixtures.click("tent", at: noon))))
        #expect(model.eventsSinceCursor == 1)
        _ = model.update(.frame(.checkpoint(cursor: "c1.next")))
        #expect(model.cursor == "c1.next")
        #expect(model.eventsSinceCursor == 0)
    }

    @Test("a stream reconnect does not reload history any more: the resume is exact")
    func reconnectNeedsNoReload() {
        var model = Fixtures.model(history)
        _ = model.update(.streamStatus(.retrying(at: noon.addingTimeInterval(1), attempt: 1, reason: "closed")))
        #expect(model.update(.streamStatus(.connected(since: noon.addingTimeInterval(1)))) == [])
    }

    @Test("a gap notice is shown with the number of records gone")
    func gap() {
        var model = Fixtures.model(history)
        _ = model.update(.frame(.gap(missed: 42)))
        #expect(model.missedRecords == 42)
        #expect(model.notice?.text.contains("42 events") == true)
    }

    @Test("events the server dropped trigger a reload and a notice")
    func droppedEvents() {
        var model = Fixtures.model(history)
        #expect(model.update(.frame(.dropped(count: 12))) == [.reloadHistory])
        #expect(model.notice?.text.contains("dropped 12 events") == true)
        // The notice expires.
        _ = model.update(.tick(now: noon.addingTimeInterval(11), monotonicSecond: 11))
        #expect(model.notice == nil)
    }

    @Test("the rate chart continues the stats series with live events")
    func rateSeries() {
        let loaded = Fixtures.history(clicks: 30, series: ["click": [10, 20, 0]])
        var model = Fixtures.model(loaded, now: noon)
        // Two live clicks land in the current bucket, on top of what stats had there.
        _ = model.update(.frame(.event(Fixtures.click("a", at: noon.addingTimeInterval(1)))))
        _ = model.update(.frame(.event(Fixtures.click("b", at: noon.addingTimeInterval(2)))))
        #expect(model.rateSeries(of: "click", buckets: 3) == [1.0, 2.0, 0.2])
        // Time moves on by one bucket: the series shifts and the new bucket starts empty.
        _ = model.update(.tick(now: noon.addingTimeInterval(10), monotonicSecond: 10))
        #expect(model.rateSeries(of: "click", buckets: 3) == [2.0, 0.2, 0.0])
    }

    @Test("events per second now counts live arrivals over the last seconds, not the resumed backlog")
    func currentRate() {
        var model = Fixtures.model(history)
        _ = model.update(.streamResumed(generation: model.historyGeneration, cursor: "c1.history"))
        for second in 0..<5 {
            _ = model.update(.tick(now: noon.addingTimeInterval(Double(second)), monotonicSecond: Int64(second)))
            for _ in 0..<10 {
                _ = model.update(.frame(.event(Fixtures.click("tent", at: noon.addingTimeInterval(Double(second) + 0.5)))))
            }
            if second == 1 { _ = model.update(.frame(.live(replayed: 20, cursor: "c1.live"))) }
        }
        _ = model.update(.tick(now: noon.addingTimeInterval(5), monotonicSecond: 5))
        // Seconds 0 and 1 were the backlog; 2, 3 and 4 had 10 live events each: 30 over 5 s.
        #expect(model.currentRate == 6.0)
        #expect(model.total(of: "click") == 60)
    }
}

@Suite("Ledger memory bound")
struct LedgerBoundTests {
    @Test("the ledger keeps counts, not events; it remembers a bounded number of ids for deduplication")
    func boundedIDs() {
        var ledger = LiveLedger(rememberedIDs: 10)
        let events = (0..<25).map { Fixtures.click("b\($0 % 2)", at: Fixtures.noon.addingTimeInterval(Double($0))) }
        for event in events { ledger.add(event) }
        #expect(ledger.count == 25)
        #expect(ledger.totals["click"] == 25)
        #expect(ledger.buttons["b0"] == 13 && ledger.buttons["b1"] == 12)
        // A recent id is a duplicate; one older than the memory is not recognised any more.
        #expect(ledger.add(events[24]) == false)
        #expect(ledger.add(events[0]) == true)
        #expect(ledger.duplicates == 1)
    }
}
