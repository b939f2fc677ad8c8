@testable import DashboardTUI
import Foundation
import Testing

@Suite("View renders models as text")
struct ViewRenderingTests {
    let history = Fixtures.history(
        clicks: 175, pageLoads: 60,
        buttons: [("the-camper's-kit", 100), ("msr-reactor-2.5l-stove-system", 50), ("tent", 25)],
        devices: ["desktop": 40, "mobile": 20], clickWatermark: Fixtures.noon, pageLoadWatermark: Fixtures.noon,
        series: ["click": [10, 20, 40], "pageload": [0, 5, 10]])

    @Test("a standard 100x30 frame shows header, totals, bars, chart and feed")
    func standardFrame() {
        var model = Fixtures.model(history)
        _ = model.update(.frame(.event(Fixtures.click("tent", at: Fixtures.noon.addingTimeInterval(1), description: "Add to cart"))))
        let frame = Fixtures.render(model, 100, 30)
        let text = frame.text
        #expect(frame.lines.count == 30)
        #expect(frame.lines[0].hasPrefix("EDM dashboard │ stats connected │ stream connected │ 236 events"))
        #expect(frame.lines[0].hasSuffix("12:00:00"))
        #expect(frame.lines[1] == "Totals  click 176  pageload 60")
        #expect(text.contains("Top buttons by clicks"))
        #expect(text.contains("Page loads by device"))
        #expect(text.contains("Events/s, last"))
        #expect(text.contains("Live feed"))
        #expect(frame.line(containing: "Add to cart")?.contains("click") == true)
        #expect(frame.lines[29].contains("q quit"))
    }

    @Test("bars scale to the largest value")
    func barsScale() {
        let frame = Fixtures.render(Fixtures.model(history), 70, 30)
        let first = frame.line(containing: "the-camper's-kit")!
        let second = frame.line(containing: "msr-reactor")!
        let third = frame.line(containing: "tent ")!
        let full = first.occurrences(of: "█")
        #expect(full > 8)
        // 50 and 25 of 100: half and a quarter of the longest bar (eighth blocks make up the rest).
        #expect(abs(second.occurrences(of: "█") - full / 2) <= 1)
        #expect(abs(third.occurrences(of: "█") - full / 4) <= 1)
        #expect(first.hasSuffix("100"))
        #expect(second.contains(" 50"))
    }

    @Test("bar glyphs: full cells then an eighth block; a tiny value keeps a sliver")
    func barGlyphs() {
        let renderer = BarChartView.self
        #expect(renderer.bar(50, maximum: 100, width: 10) == "█████")
        #expect(renderer.bar(100, maximum: 100, width: 10) == String(repeating: "█", count: 10))
        #expect(renderer.bar(1, maximum: 1000, width: 10) == "▏")
        #expect(renderer.bar(0, maximum: 100, width: 10) == "")
        #expect(renderer.bar(55, maximum: 100, width: 10) == "█████▌")
    }

    @Test("long labels are truncated with an ellipsis and rows never overflow")
    func truncation() {
        let long = String(repeating: "very-long-button-name-", count: 10)
        let model = Fixtures.model(Fixtures.history(clicks: 3, buttons: [(long, 3)], clickWatermark: Fixtures.noon))
        let frame = Fixtures.render(model, 80, 24)
        let row = frame.line(containing: "very-long")!
        #expect(row.contains("…"))
        #expect(!row.contains(long))
        for line in frame.lines { #expect(DisplayWidth.of(line) <= 80) }
    }

    @Test("narrow 40x12 terminal: stacked sections, nothing wider than the screen")
    func narrow() {
        var model = Fixtures.model(history)
        _ = model.update(.frame(.event(Fixtures.click("tent", at: Fixtures.noon.addingTimeInterval(1)))))
        let frame = Fixtures.render(model, 40, 12)
        #expect(frame.lines.count == 12)
        for line in frame.lines { #expect(DisplayWidth.of(line) <= 40) }
        #expect(frame.lines[0].contains("236 events"))
        #expect(frame.lines[1].hasPrefix("Totals"))
        #expect(frame.text.contains("Top buttons"))
        #expect(frame.lines[11].contains("q p f r ?"))
        // Side-by-side needs 72 columns: the device chart is not on the buttons' title row.
        #expect(!(frame.line(containing: "Top buttons")?.contains("Page loads") ?? true))
    }

    @Test("tiny 20x5 terminal degrades to header, totals and the top button")
    func tiny() {
        let frame = Fixtures.render(Fixtures.model(history), 20, 5)
        #expect(frame.lines.count == 5)
        for line in frame.lines { #expect(DisplayWidth.of(line) <= 20) }
        #expect(frame.lines[0] == "235 events")  // the most important piece of the header
        #expect(frame.lines[1].hasPrefix("Totals"))
        #expect(frame.lines[2].hasPrefix("Top buttons"))
        #expect(frame.lines[3].contains("100"))
    }

    @Test("degenerate sizes render without trapping", arguments: [(0, 0), (1, 1), (5, 2), (3, 40), (200, 1)])
    func degenerate(size: (Int, Int)) {
        let frame = Fixtures.render(Fixtures.model(history), size.0, size.1)
        #expect(frame.lines.count == size.1)
        for line in frame.lines { #expect(DisplayWidth.of(line) <= size.0) }
    }

    @Test("wide 200x50 terminal: charts side by side, taller rate chart")
    func wide() {
        let frame = Fixtures.render(Fixtures.model(history), 200, 50)
        let titles = frame.line(containing: "Top buttons by clicks")!
        #expect(titles.contains("Page loads by device"))
        // Several rows per type in the chart: the click label's row is preceded by chart-only rows.
        let clickRow = frame.lines.firstIndex { $0.hasPrefix("click ") }!
        #expect(frame.lines[clickRow - 1].contains("█") || frame.lines[clickRow - 1].contains("▄"))
        for line in frame.lines { #expect(DisplayWidth.of(line) <= 200) }
    }

    @Test("connection states: reconnecting with a countdown, errors in the header")
    func connectionStates() {
        var model = Fixtures.model(history)
        _ = model.update(.streamStatus(.retrying(at: Fixtures.noon.addingTimeInterval(3), attempt: 2, reason: "connection refused")))
        _ = model.update(.statsStatus(.failed(reason: "HTTP 401", retryAt: Fixtures.noon.addingTimeInterval(30))))
        let header = Fixtures.render(model, 160, 10).lines[0]
        #expect(header.contains("stream reconnecting in 3s (connection refused)"))
        #expect(header.contains("stats error: HTTP 401 (retry in 30s)"))
    }

    @Test("the help overlay lists the keys")
    func help() {
        var model = Fixtures.model(history)
        _ = model.update(.key(.character("?")))
        let text = Fixtures.render(model, 80, 24).text
        #expect(text.contains("q         quit"))
        #expect(text.contains("r         reload history from stats"))
        _ = model.update(.key(.escape))
        #expect(!Fixtures.render(model, 80, 24).text.contains("q         quit"))
    }

    @Test("feed rows are colored by type")
    func feedColors() {
        var model = Fixtures.model(history)
        _ = model.update(.frame(.event(Fixtures.click("tent", at: Fixtures.noon.addingTimeInterval(1)))))
        _ = model.update(.frame(.event(Fixtures.pageLoad("https://shop.example/p", device: "mobile", at: Fixtures.noon.addingTimeInterval(2)))))
        let frame = Fixtures.render(model, 100, 30)
        let pageRow = frame.lines.firstIndex { $0.contains("https://shop.example/p") }!
        let clickRow = frame.lines.firstIndex { $0.contains("12:00:01 click") }!
        #expect(pageRow < clickRow)  // newest first
        let typeColumn = frame.lines[clickRow].range(of: "click")!.lowerBound.utf16Offset(in: frame.lines[clickRow])
        #expect(frame[clickRow, typeColumn].style.foreground == .cyan)
        let pageColumn = frame.lines[pageRow].range(of: "pageload")!.lowerBound.utf16Offset(in: frame.lines[pageRow])
        #expect(frame[pageRow, pageColumn].style.foreground == .magenta)
    }

    @Test("double-width characters take two columns and are never cut in half")
    func wideCharacters() {
        var buffer = CellBuffer(width: 5, height: 1)
        let written = buffer.put("日本語", row: 0, column: 0)
        #expect(written == 5)  // two wide characters, then a space where the third did not fit
        #expect(buffer.lines[0] == "日本")
        #expect(DisplayWidth.truncate("日本語テキスト", to: 6) == "日本…")
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }

    @Test("control characters from event data are shown as ?")
    func controlCharacters() {
        var buffer = CellBuffer(width: 10, height: 1)
        buffer.put("a\u{1B}[2Jb", row: 0, column: 0)
        #expect(buffer.lines[0] == "a?[2Jb")
    }
}

