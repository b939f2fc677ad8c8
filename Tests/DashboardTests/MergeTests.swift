@testable import DashboardTUI
import Foundation
import Testing

@Suite("History and live figures merge without double counting")
struct MergeTests {
    let watermark = Fixtures.noon
    var history: HistorySnapshot {
        Fixtures.history(
            clicks: 10, pageLoads: 4, buttons: [("tent", 6), ("stove", 4)], devices: ["mobile": 4],
            clickWatermark: watermark, pageLoadWatermark: watermark)
    }

    @Test("live events after the watermark add to the history totals")
    func liveAfterWatermark() {
        var model = Fixtures.model(history)
        _ = model.update(.frame(.event(Fixtures.click("tent", at: watermark.addingTimeInterval(0.001)))))
        _ = model.update(.frame(.event(Fixtures.pageLoad("https://x/", device: "tablet", at: watermark.addingTimeInterval(2)))))
        #expect(model.total(of: "click") == 11)
        #expect(model.total(of: "pageload") == 5)
        #expect(model.totalEvents == 16)
        #expect(model.topButtons(1).first! == ("tent", 7))
        #expect(model.deviceCounts.first { $0.device == "tablet" }!.count == 1)
        #expect(model.deviceCounts.first { $0.device == "mobile" }!.count == 4)
    }

    @Test("an event that is in the stats totals and also arrives live is counted once")
    func eventInBoth() {
        var model = Fixtures.model(history)
        // Stats counted this click: its receivedAt is the click watermark itself.
        let counted = Fixtures.click("tent", at: watermark)
        _ = model.update(.frame(.event(counted)))
        _ = model.update(.frame(.event(Fixtures.click("stove", at: watermark.addingTimeInterval(-5)))))
        #expect(model.total(of: "click") == 10)
        #expect(model.topButtons(2).map(\.clicks) == [6, 4])
        #expect(model.ledger.alreadyInHistory == 2)
        // The feed still shows them: they did happen.
        #expect(model.feed.count == 2)
    }

    @Test("the same event delivered twice (replay after reconnect) is counted once")
    func duplicateDelivery() {
        var model = Fixtures.model(history)
        let event = Fixtures.click("tent", at: watermark.addingTimeInterval(1))
        _ = model.update(.frame(.event(event)))
        _ = model.update(.frame(.event(event)))
        #expect(model.total(of: "click") == 11)
        #expect(model.ledger.duplicates == 1)
    }

    @Test("watermarks are per type: a late page-load watermark does not hide new clicks")
    func perTypeWatermarks() {
        var model = Fixtures.model(Fixtures.history(
            clicks: 1, pageLoads: 1, clickWatermark: watermark.addingTimeInterval(-60), pageLoadWatermark: watermark))
        _ = model.update(.frame(.event(Fixtures.click("tent", at: watermark.addingTimeInterval(-30)))))
        _ = model.update(.frame(.event(Fixtures.pageLoad("https://x/", device: "bot", at: watermark.addingTimeInterval(-30)))))
        #expect(model.total(of: "click") == 2)
        #expect(model.total(of: "pageload") == 1)
    }

    @Test("a reload folds live events into the new history without counting them twice")
    func reload() {
        var model = Fixtures.model(history)
        let early = (1...3).map { Fixtures.click("tent", at: watermark.addingTimeInterval(Double($0))) }
        let late = Fixtures.click("stove", at: watermark.addingTimeInterval(10))
        for event in early + [late] { _ = model.update(.frame(.event(event))) }
        #expect(model.total(of: "click") == 14)
        // Stats has since counted the three early clicks (watermark moved to the third).
        let newer = Fixtures.history(
            clicks: 13, pageLoads: 4, buttons: [("tent", 9), ("stove", 4)], devices: ["mobile": 4],
            clickWatermark: watermark.addingTimeInterval(3), pageLoadWatermark: watermark)
        _ = model.update(.historyLoaded(newer))
        #expect(model.total(of: "click") == 14)
        #expect(model.topButtons(2).map(\.clicks) == [9, 5])
        #expect(model.ledger.count == 1)
        // A replay of an early click after the reload is already in the history.
        _ = model.update(.frame(.event(early[0])))
        #expect(model.total(of: "click") == 14)
    }

    @Test("a stream reconnect asks for a history reload; the first connection does not")
    func reconnectResynchronises() {
        var model = DashboardModel(now: Fixtures.noon)
        #expect(model.update(.streamStatus(.connected(since: Fixtures.noon))) == [])
        _ = model.update(.streamStatus(.retrying(at: Fixtures.noon.addingTimeInterval(1), attempt: 1, reason: "closed")))
        #expect(model.update(.streamStatus(.connected(since: Fixtures.noon.addingTimeInterval(1)))) == [.reloadHistory])
    }

    @Test("events the server dropped trigger a reload and a notice")
    func droppedEvents() {
        var model = Fixtures.model(history)
        #expect(model.update(.frame(.dropped(count: 12))) == [.reloadHistory])
        #expect(model.notice?.text.contains("dropped 12 events") == true)
        // The notice expires.
        _ = model.update(.tick(now: Fixtures.noon.addingTimeInterval(11), monotonicSecond: 11))
        #expect(model.notice == nil)
    }

    @Test("the rate chart continues the stats series with live events")
    func rateSeries() {
        let loaded = Fixtures.history(clicks: 30, clickWatermark: watermark, series: ["click": [10, 20, 0]])
        var model = Fixtures.model(loaded, now: watermark)
        // Two live clicks land in the current bucket, on top of what stats had there.
        _ = model.update(.frame(.event(Fixtures.click("a", at: watermark.addingTimeInterval(1)))))
        _ = model.update(.frame(.event(Fixtures.click("b", at: watermark.addingTimeInterval(2)))))
        #expect(model.rateSeries(of: "click", buckets: 3) == [1.0, 2.0, 0.2])
        // Time moves on by one bucket: the series shifts and the new bucket starts empty.
        _ = model.update(.tick(now: watermark.addingTimeInterval(10), monotonicSecond: 10))
        #expect(model.rateSeries(of: "click", buckets: 3) == [2.0, 0.2, 0.0])
    }

    @Test("events per second now counts live arrivals over the last seconds, not replayed history")
    func currentRate() {
        var model = Fixtures.model(history)
        _ = model.update(.replayStarted)
        for second in 0..<5 {
            _ = model.update(.tick(now: watermark.addingTimeInterval(Double(second)), monotonicSecond: Int64(second)))
            for _ in 0..<10 {
                _ = model.update(.frame(.event(Fixtures.click("tent", at: watermark.addingTimeInterval(Double(second) + 0.5)))))
            }
            if second == 1 { _ = model.update(.frame(.live(replayed: 20))) }
        }
        _ = model.update(.tick(now: watermark.addingTimeInterval(5), monotonicSecond: 5))
        // Seconds 0 and 1 were replay; 2, 3 and 4 had 10 live events each: 30 over 5 s.
        #expect(model.currentRate == 6.0)
        #expect(model.total(of: "click") == 60)
    }

    @Test("the ledger asks for a reload when it grows past its threshold")
    func ledgerBound() {
        var model = Fixtures.model(history)
        var effects: [DashboardEffect] = []
        for index in 0...DashboardModel.ledgerReloadThreshold {
            effects += model.update(.frame(.event(Fixtures.click("b", at: watermark.addingTimeInterval(Double(index) / 1000 + 1)))))
        }
        #expect(effects == [.reloadHistory])
    }
}

@Suite("Settling reload")
struct SettleTests {
    let watermark = Fixtures.noon

    @Test("events at or before the watermark arriving after the load ask for one more reload")
    func settles() {
        var model = Fixtures.model(Fixtures.history(clicks: 5, clickWatermark: watermark), now: watermark)
        _ = model.update(.frame(.event(Fixtures.click("late-partition", at: watermark.addingTimeInterval(-1)))))
        #expect(model.update(.tick(now: watermark.addingTimeInterval(4), monotonicSecond: 4)) == [])
        #expect(model.update(.tick(now: watermark.addingTimeInterval(6), monotonicSecond: 6)) == [.reloadHistory])
        // The settling load counts the straggler; stragglers after it wait for the regular refresh.
        _ = model.update(.historyLoaded(Fixtures.history(clicks: 6, clickWatermark: watermark.addingTimeInterval(5))))
        #expect(model.total(of: "click") == 6)
        _ = model.update(.frame(.event(Fixtures.click("another", at: watermark.addingTimeInterval(4)))))
        #expect(model.update(.tick(now: watermark.addingTimeInterval(20), monotonicSecond: 20)) == [])
    }

    @Test("no settling reload when nothing arrived behind the watermark")
    func quiet() {
        var model = Fixtures.model(Fixtures.history(clicks: 5, clickWatermark: watermark), now: watermark)
        _ = model.update(.frame(.event(Fixtures.click("new", at: watermark.addingTimeInterval(1)))))
        #expect(model.update(.tick(now: watermark.addingTimeInterval(6), monotonicSecond: 6)) == [])
    }
}

@Suite("Ledger memory bound")
struct LedgerBoundTests {
    let watermark = Fixtures.noon

    @Test("beyond its capacity the ledger folds old events into counts; totals stay right")
    func folds() {
        var ledger = LiveLedger(maxEntries: 10)
        for index in 0..<25 { ledger.add(Fixtures.click("b\(index % 2)", at: watermark.addingTimeInterval(Double(index + 1)))) }
        #expect(ledger.count <= 10)
        #expect(ledger.foldedCount + Int64(ledger.count) == 25)
        #expect(ledger.totals["click"] == 25)
        #expect(ledger.buttons["b0"] == 13 && ledger.buttons["b1"] == 12)
        // The next history replaces the folded counts whole: what it has not counted yet is
        // missing until the one after (stats catches up), but nothing is counted twice.
        var partial = ledger
        partial.rebase(on: Fixtures.history(clicks: 3, clickWatermark: watermark.addingTimeInterval(3)))
        #expect(partial.foldedCount == 0)
        #expect(partial.totals["click"] == Int64(partial.count))
        #expect(partial.totals["click"]! + 3 <= 25)
        ledger.rebase(on: Fixtures.history(clicks: 20, clickWatermark: watermark.addingTimeInterval(20)))
        #expect(ledger.totals["click"] == 5)
    }
}
