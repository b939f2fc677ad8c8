@testable import DashboardTUI
import Foundation
import Testing

@Suite("Keys and the live feed")
struct KeyAndFeedTests {
    @Test("raw terminal bytes decode into keys")
    func decode() {
        #expect(Key.decode(Array("qp?".utf8)) == [.character("q"), .character("p"), .character("?")])
        #expect(Key.decode([0x1B, 0x5B, 0x41, 0x1B]) == [.up, .escape])
        #expect(Key.decode([0x03]) == [.interrupt])
        #expect(Key.decode([0x1B, 0x5B, 0x31, 0x35, 0x7E, 0x66]) == [.unknown, .character("f")])  // F5, then f
        #expect(Key.decode([0x0D, 0xC3]) == [.enter, .unknown])
    }

    @Test("q and Ctrl-C quit")
    func quit() {
        var model = Fixtures.model()
        #expect(model.update(.key(.character("q"))) == [.quit])
        #expect(model.update(.key(.interrupt)) == [.quit])
        #expect(model.update(.key(.character("x"))) == [])
    }

    @Test("r reloads history every time it is pressed")
    func reload() {
        var model = Fixtures.model()
        #expect(model.update(.key(.character("r"))) == [.reloadHistory])
        #expect(model.update(.key(.character("r"))) == [.reloadHistory])
    }

    @Test("f cycles the feed filter: all, click, pageload, all")
    func filter() {
        var model = Fixtures.model()
        _ = model.update(.frame(.event(Fixtures.click("tent", at: Fixtures.noon))))
        _ = model.update(.frame(.event(Fixtures.pageLoad("https://x/", device: "mobile", at: Fixtures.noon))))
        var seen: [String?] = []
        for _ in 0..<3 {
            _ = model.update(.key(.character("f")))
            seen.append(model.typeFilter)
            let shown = model.feed.visible(10, where: model.feedShows)
            #expect(shown.count == (model.typeFilter == nil ? 2 : 1))
            #expect(shown.allSatisfy { model.typeFilter == nil || $0.type == model.typeFilter })
        }
        _ = model.update(.key(.character("f")))
        #expect(seen == ["click", "pageload", nil])
        #expect(model.typeFilter == "click")
        let text = Fixtures.render(model, 100, 30).text
        #expect(text.contains("Live feed [click only]"))
        #expect(text.contains("f filter: click"))
    }

    @Test("p pauses the feed: it keeps what it showed while counts go on")
    func pause() {
        var model = Fixtures.model(Fixtures.history(clickWatermark: Fixtures.noon))
        _ = model.update(.frame(.event(Fixtures.click("first", at: Fixtures.noon.addingTimeInterval(1)))))
        _ = model.update(.key(.character("p")))
        #expect(model.feed.isPaused)
        _ = model.update(.frame(.event(Fixtures.click("second", at: Fixtures.noon.addingTimeInterval(2)))))
        #expect(model.feed.visible(5).map(\.label) == ["first"])
        #expect(model.total(of: "click") == 2)
        let text = Fixtures.render(model, 100, 30).text
        #expect(text.contains("PAUSED (+1 new)"))
        #expect(text.contains("12:00:01 click"))
        #expect(!text.contains("12:00:02 click"))
        _ = model.update(.key(.character("p")))
        #expect(model.feed.visible(5).map(\.label) == ["second", "first"])
    }

    @Test("the feed holds at most its capacity, newest first")
    func bounded() {
        var feed = EventFeed(capacity: 3)
        for index in 0..<10 { feed.append(Fixtures.click("b\(index)", at: Fixtures.noon)) }
        #expect(feed.count == 3)
        #expect(feed.visible(10).map(\.label) == ["b9", "b8", "b7"])
        #expect(feed.visible(2).map(\.label) == ["b9", "b8"])
        #expect(feed.visible(0).isEmpty)
    }
}
