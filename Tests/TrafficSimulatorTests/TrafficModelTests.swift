import Testing
import TrafficSimulator

/// The traffic is repeatable from a seed and shaped like visits to a shop.
@Suite struct TrafficModelTests {
    @Test func theSameSeedGivesTheSameEvents() {
        var first = TrafficModel(concurrentSessions: 5, legacyShare: 0.3, seed: 42)
        var second = TrafficModel(concurrentSessions: 5, legacyShare: 0.3, seed: 42)
        var other = TrafficModel(concurrentSessions: 5, legacyShare: 0.3, seed: 43)
        let a = (0..<300).map { first.nextEvent(nowMilliseconds: Int64($0)) }
        let b = (0..<300).map { second.nextEvent(nowMilliseconds: Int64($0)) }
        let c = (0..<300).map { other.nextEvent(nowMilliseconds: Int64($0)) }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func idsAreDistinctVersion4UUIDs() {
        var model = TrafficModel(concurrentSessions: 10, legacyShare: 0, seed: 1)
        let ids = (0..<5000).map { _ in model.nextEvent(nowMilliseconds: 0).id }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let characters = Array(id)
            #expect(characters.count == 36)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
        }
    }

    @Test func aVisitStartsOnTheHomePageAndEnds() {
        let catalog = StorefrontCatalog.reference
        for seed in UInt64(0)..<200 {
            var random = SeededRandom(seed: seed)
            var session = VisitorSession(random: &random, legacyShare: 0.5)
            var payloads: [StorefrontEvent.Payload] = []
            while let payload = session.next(catalog: catalog, random: &random) {
                payloads.append(payload)
                if payloads.count > 200 { break }
            }
            #expect(payloads.count <= 200, "a visit must end")
            #expect(session.isFinished)
            guard case .pageload(let url, _, _) = payloads.first else {
                Issue.record("seed \(seed): first action \(String(describing: payloads.first)) is not a page load")
                continue
            }
            #expect(url == catalog.homeURL)
            if session.agent == .crawler {
                #expect(!payloads.contains { if case .click = $0 { true } else { false } }, "crawlers never click")
            }
        }
    }

    @Test func clicksNameAProductThatWasViewedJustBefore() {
        let catalog = StorefrontCatalog.reference
        var random = SeededRandom(seed: 9)
        for _ in 0..<100 {
            var session = VisitorSession(random: &random, legacyShare: 0)
            var lastPage: String?
            while let payload = session.next(catalog: catalog, random: &random) {
                switch payload {
                case .pageload(let url, _, _): lastPage = url
                case .click(let buttonID, _): #expect(lastPage == catalog.baseURL + "/products/" + buttonID)
                case .signup: Issue.record("no signups without a signup share")
                }
            }
        }
    }

    @Test func popularProductsGetMoreViews() {
        var model = TrafficModel(concurrentSessions: 20, legacyShare: 0, seed: 5)
        var views: [String: Int] = [:]
        for _ in 0..<20_000 {
            if case .pageload(let url, _, _) = model.nextEvent(nowMilliseconds: 0).payload { views[url, default: 0] += 1 }
        }
        let catalog = StorefrontCatalog.reference
        let top = views[catalog.productURL(catalog.products[0])] ?? 0
        let bottom = views[catalog.productURL(catalog.products[catalog.products.count - 1])] ?? 0
        #expect(top > bottom * 4, "top \(top) vs bottom \(bottom)")
    }

    @Test func legacyShareIsRoughlyRespected() {
        var model = TrafficModel(concurrentSessions: 30, legacyShare: 0.25, seed: 11)
        let events = (0..<20_000).map { _ in model.nextEvent(nowMilliseconds: 0) }
        let share = Double(events.filter(\.legacy).count) / Double(events.count)
        #expect(share > 0.15 && share < 0.35, "legacy share \(share)")
    }

    @Test func gapsAverageTheRequestedRate() {
        var model = TrafficModel(concurrentSessions: 1, legacyShare: 0, seed: 3)
        let gaps = (0..<20_000).map { _ in model.gap(eventsPerSecond: 50) }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        #expect(abs(mean - 0.02) < 0.002, "mean gap \(mean)")
        #expect(gaps.allSatisfy { $0 >= 0 })
    }
}
