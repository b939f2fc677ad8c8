@testable import DashboardTUI
import Testing

@Suite("ANSI output writes only what changed")
struct ANSIRendererTests {
    let renderer = ANSIRenderer(colors: true)

    func frame(_ lines: [String], width: Int = 6) -> CellBuffer {
        var buffer = CellBuffer(width: width, height: lines.count)
        for (row, line) in lines.enumerated() { buffer.put(line, row: row, column: 0) }
        return buffer
    }

    @Test("the first frame clears the screen and paints every cell")
    func firstFrame() {
        let output = renderer.render(from: nil, to: frame(["ab", "cd"], width: 2))
        #expect(output == "\u{1B}[0m\u{1B}[2J\u{1B}[1;1Hab\u{1B}[2;1Hcd")
    }

    @Test("an unchanged frame writes nothing")
    func unchanged() {
        let same = frame(["hello", "world"])
        #expect(renderer.render(from: same, to: same) == "")
    }

    @Test("one changed cell: one cursor move and one character")
    func oneCell() {
        let before = frame(["hello", "world"])
        let after = frame(["hello", "wOrld"])
        #expect(renderer.render(from: before, to: after) == "\u{1B}[2;2HO")
    }

    @Test("adjacent changes share one cursor move; distant ones get their own")
    func runs() {
        let before = frame(["abcdef"])
        let after = frame(["aXYdeZ"])
        #expect(renderer.render(from: before, to: after) == "\u{1B}[1;2HXY\u{1B}[1;6HZ")
    }

    @Test("a style change is written as SGR and reset at the end")
    func styleChange() {
        let before = frame(["abc"])
        var after = before
        after.put("b", row: 0, column: 1, style: .color(.red, bold: true))
        #expect(renderer.render(from: before, to: after) == "\u{1B}[1;2H\u{1B}[0;1;31mb\u{1B}[0m")
    }

    @Test("NO_COLOR keeps attributes and drops colors")
    func noColor() {
        let before = frame(["abc"])
        var after = before
        after.put("b", row: 0, column: 1, style: .color(.red, bold: true))
        #expect(ANSIRenderer(colors: false).render(from: before, to: after) == "\u{1B}[1;2H\u{1B}[0;1mb\u{1B}[0m")
    }

    @Test("a resize repaints the whole frame")
    func resize() {
        let output = renderer.render(from: frame(["ab"], width: 2), to: frame(["ab", "cd"], width: 2))
        #expect(output.hasPrefix("\u{1B}[0m\u{1B}[2J"))
        #expect(output.contains("cd"))
    }

    @Test("a double-width character is written once and moves the cursor two columns")
    func wideCharacter() {
        let before = frame(["abcd"], width: 4)
        let after = frame(["日cd"], width: 4)
        #expect(renderer.render(from: before, to: after) == "\u{1B}[1;1H日")
    }

    @Test("a dashboard frame after one event rewrites a small part of the screen")
    func dashboardDiff() {
        var model = Fixtures.model(Fixtures.history(
            clicks: 10, buttons: [("tent", 10)], clickWatermark: Fixtures.noon))
        let view = DashboardView(theme: Theme())
        let size = TerminalSize(columns: 120, rows: 40)
        let first = view.render(model, size: size)
        _ = model.update(.frame(.event(Fixtures.click("tent", at: Fixtures.noon.addingTimeInterval(1)))))
        let second = view.render(model, size: size)
        let full = renderer.render(from: nil, to: second)
        let diff = renderer.render(from: first, to: second)
        #expect(!diff.isEmpty)
        #expect(diff.utf8.count * 5 < full.utf8.count)
    }
}
