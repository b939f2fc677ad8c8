@testable import AlertsService
import EDMEvents
import EDMKafka
import Foundation
import Testing

/// Windows, thresholds, fire-once, hysteresis, grace and restart state, on the pure engine.
@Suite struct AlertEngineTests {
    let base = Fixtures.base

    func clicks(_ count: Int, session: String = "s1", from start: Int64) -> [EventEnvelope] {
        (0..<count).map { Fixtures.click(session: session, at: start + Int64($0) * 100) }
    }

    @Test func aBurstAboveCriticalGivesOneWarningAndOneCriticalForThatSessionAndWindow() {
        var engine = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        let decisions = Fixtures.ingest(&engine, clicks(8, from: base) + clicks(2, session: "s2", from: base))
        #expect(decisions.map(\.alert.level) == [.warning, .critical])
        let critical = decisions[1].alert
        #expect(critical.key == "s1" && critical.count == 5 && critical.threshold == 5 && !critical.resolved)
        #expect(critical.windowStart == EventTimestamp.date(fromMilliseconds: base))
        #expect(critical.windowEnd == EventTimestamp.date(fromMilliseconds: base + 10_000))
        #expect(decisions.allSatisfy { !$0.alreadyPublished })
        // Closing the window adds nothing: the alert is not repeated per update or per close.
        #expect(engine.advance(to: base + 12_000).isEmpty)
    }

    @Test func theKeyFallingBackGivesOneResolved() {
        var engine = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        _ = Fixtures.ingest(&engine, clicks(6, from: base))
        // The next window stays quiet: it closes at 10 s + 10 s + 2 s grace.
        #expect(engine.advance(to: base + 21_999).isEmpty)
        let resolved = engine.advance(to: base + 22_000)
        #expect(resolved.count == 1)
        let alert = resolved[0].alert
        #expect(alert.resolved && alert.level == .critical && alert.key == "s1" && alert.count == 0 && alert.threshold == 1)
        #expect(alert.windowStart == EventTimestamp.date(fromMilliseconds: base + 10_000))
        #expect(engine.advance(to: base + 60_000).isEmpty, "resolved once, not per quiet window")
        #expect(engine.alertingKeys.isEmpty)
    }

    @Test func aSustainedBurstStaysOneEpisodeAndHysteresisHoldsTheResolve() {
        var engine = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        var decisions = Fixtures.ingest(&engine, clicks(5, from: base))
        decisions += Fixtures.ingest(&engine, clicks(6, from: base + 10_000))  // still bursting: quiet
        decisions += engine.advance(to: base + 32_000)
        decisions += Fixtures.ingest(&engine, clicks(2, from: base + 20_000))  // late for window 2: ignored
        // Two windows over the threshold are one episode; the first quiet window after the
        // last bursting one (20 s) resolves it.
        #expect(decisions.map(\.alert.resolved) == [false, false, true])
        #expect(decisions.last?.alert.windowStart == EventTimestamp.date(fromMilliseconds: base + 20_000))
        var engine2 = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        var second = Fixtures.ingest(&engine2, clicks(5, from: base))
        second += Fixtures.ingest(&engine2, clicks(2, from: base + 10_000))  // 2 > resolveAt 1: still alerting
        second += engine2.advance(to: base + 22_000)
        #expect(second.filter(\.alert.resolved).isEmpty, "a count between resolveAt and warning does not resolve")
        second += Fixtures.ingest(&engine2, clicks(1, from: base + 20_000))
        second += engine2.advance(to: base + 32_000)
        #expect(second.filter(\.alert.resolved).map(\.alert.count) == [1])
    }

    @Test func aLateEventInsideGraceCountsAndOneAfterGraceIsReported() {
        var engine = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        _ = Fixtures.ingest(&engine, clicks(2, from: base))
        // The window [0 s, 10 s) ended, its grace (2 s) has not: a click at 9.9 s still counts.
        #expect(engine.advance(to: base + 11_000).isEmpty)
        let inGrace = Fixtures.ingest(&engine, [Fixtures.click(session: "s1", at: base + 9_900, receivedAt: base + 11_000)])
        #expect(inGrace.map(\.alert.level) == [.warning])
        #expect(engine.takeLateEvents().isEmpty)
        _ = engine.advance(to: base + 12_000)
        let late = Fixtures.ingest(&engine, clicks(3, from: base + 5_000))
        #expect(late.isEmpty)
        #expect(engine.takeLateEvents() == ["burst": 3])
    }

    @Test func hoppingWindowsCountAnEventInEveryWindowThatContainsIt() {
        let rule = Fixtures.rule(
            #"{"name": "hop", "eventType": "click", "key": "properties.buttonId", "window": "30s", "slide": "10s", "warning": 2, "critical": 3}"#)
        #expect(Array(rule.windowStarts(containing: base + 25_000)) == [base, base + 10_000, base + 20_000])
        #expect(Array(rule.windowStarts(containing: -1)) == [-30_000, -20_000, -10_000])
        var engine = AlertEngine(rules: [rule], coverageStart: base)
        let decisions = Fixtures.ingest(&engine, [
            Fixtures.click(session: "a", button: "b1", at: base + 5_000),
            Fixtures.click(session: "b", button: "b1", at: base + 15_000),
        ])
        // Windows [-10 s, 20 s) and [0 s, 30 s) both hold two: the first crossing alerts, the
        // second stays quiet in the same episode.
        #expect(decisions.count == 1)
        #expect(decisions[0].alert.key == "b1" && decisions[0].alert.level == .warning)
    }

    @Test func belowRulesFireWhenTrafficStopsAndResolveWhenItReturns() {
        let rule = Fixtures.rule(
            #"{"name": "quiet", "eventType": "pageload", "direction": "below", "window": "10s", "grace": "1s", "warning": 2, "critical": 0, "resolveAt": 3}"#)
        var engine = AlertEngine(rules: [rule], coverageStart: base)
        _ = Fixtures.ingest(&engine, (0..<5).map { Fixtures.pageLoad(session: "p\($0)", at: base + Int64($0) * 1_000) })
        #expect(engine.advance(to: base + 11_000).isEmpty, "the first window had traffic")
        let silent = engine.advance(to: base + 21_000)
        #expect(silent.count == 1)
        #expect(silent.first?.alert.level == .critical && silent.first?.alert.count == 0 && silent.first?.alert.key == "*")
        #expect(engine.advance(to: base + 41_000).isEmpty, "one alert per episode, not per silent window")
        _ = Fixtures.ingest(&engine, (0..<4).map { Fixtures.pageLoad(session: "q\($0)", at: base + 40_000 + Int64($0) * 1_000) })
        let back = engine.advance(to: base + 51_000)
        #expect(back.count == 1 && back.first?.alert.resolved == true && back.first?.alert.count == 4)
    }

    @Test func windowsBeforeCoverageDecideNothingOnClose() {
        let rule = Fixtures.rule(
            #"{"name": "quiet", "eventType": "pageload", "direction": "below", "window": "10s", "grace": "1s", "warning": 2, "critical": 0}"#)
        var engine = AlertEngine(rules: [rule], coverageStart: base + 5_000)
        _ = Fixtures.ingest(&engine, [Fixtures.pageLoad(session: "p", at: base + 6_000)])
        // [0 s, 10 s) was read from 5 s on only: its one pageload does not make it "quiet".
        #expect(engine.advance(to: base + 11_000).isEmpty)
        #expect(engine.advance(to: base + 21_000).map(\.alert.level) == [.critical])
    }

    @Test func alertIDsAreDeterministicPerRuleKeyWindowLevelAndResolution() {
        var first = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        var second = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        let a = Fixtures.ingest(&first, clicks(5, from: base))
        let b = Fixtures.ingest(&second, clicks(5, from: base + 50))
        #expect(a.map(\.alert.eventID) == b.map(\.alert.eventID))
        #expect(Set(a.map(\.alert.eventID)).count == 2)
        var resolved = a[1].alert
        resolved.resolved = true
        #expect(resolved.eventID != a[1].alert.eventID)
        let envelope = a[1].alert.envelope(occurredAt: Date(), receivedAt: Date())
        #expect(envelope.id == a[1].alert.eventID && envelope.source == .derived && envelope.type == "alert")
    }

    @Test func restoredHistoryMarksRepeatsAndKeepsEpisodesForTheResolve() {
        var before = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        let published = Fixtures.ingest(&before, clicks(5, from: base)).map(\.alert)
        // A restart re-reads only part of the burst window, then sees the key quiet.
        var after = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base + 5_000)
        after.restore(published)
        let again = Fixtures.ingest(&after, clicks(5, from: base))
        #expect(again.isEmpty, "already alerting at critical: nothing new")
        #expect(after.alertingKeys == ["burst": ["s1": .critical]])
        let resolved = after.advance(to: base + 22_000)
        #expect(resolved.count == 1 && resolved[0].alert.resolved && !resolved[0].alreadyPublished)
        var replayed = AlertEngine(rules: [Fixtures.burstRule], coverageStart: base)
        replayed.restore(published + resolved.map(\.alert))
        let decisions = Fixtures.ingest(&replayed, clicks(5, from: base)) + replayed.advance(to: base + 22_000)
        #expect(decisions.count == 3 && decisions.allSatisfy(\.alreadyPublished), "every re-decided alert is known")
    }

    @Test func watermarkWaitsForEveryReplayingPartitionThenFollowsTheClock() {
        let p0 = TopicPartition(topic: "t", partition: 0)
        let p1 = TopicPartition(topic: "t", partition: 1)
        var tracker = WatermarkTracker(replayEnds: [p0: 3, p1: 2], liveDelayMilliseconds: 1_000)
        tracker.observe(p0, offset: 0, receivedAt: base + 5_000)
        #expect(tracker.watermark(now: base + 99_000) == nil, "p1 has given nothing yet")
        tracker.observe(p1, offset: 0, receivedAt: base + 1_000)
        #expect(tracker.watermark(now: base + 99_000) == base + 1_000)
        tracker.observe(p1, offset: 1, receivedAt: base + 2_000)
        #expect(tracker.watermark(now: base + 99_000) == base + 5_000, "p1 reached its end")
        tracker.observe(p0, offset: 2, receivedAt: base + 6_000)
        #expect(tracker.isLive)
        #expect(tracker.watermark(now: base + 99_000) == base + 98_000)
    }

    @Test func safeOffsetsHoldRecordsUntilTheirWindowsClosed() {
        let p = TopicPartition(topic: "t", partition: 0)
        var offsets = SafeOffsets(holdMilliseconds: 10_000, runLength: 2)
        offsets.record(p, offset: 10, eventTime: base)
        offsets.record(p, offset: 11, eventTime: base + 1_000)
        offsets.record(p, offset: 12, eventTime: base + 4_000)
        #expect(offsets.committable(watermark: base + 5_000) == [p: 10])
        #expect(offsets.committable(watermark: base + 11_000) == [p: 12])
        #expect(offsets.committable(watermark: base + 14_000) == [p: 13])
    }
}
