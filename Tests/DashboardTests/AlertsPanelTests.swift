import DashboardTUI
import EDMEvents
import Foundation
import Testing

/// The alerts panel: alert frames from the stream and `/v1/alerts` fill it, never the event
/// totals; it shows levels, counts, times and resolved state.
@Suite struct AlertsPanelTests {
    static func frame(_ key: String, level: AlertLevel, resolved: Bool = false, at seconds: TimeInterval) -> String {
        var properties = AlertProperties.example
        properties.key = key
        properties.level = level
        properties.resolved = resolved
        let time = Fixtures.noon.addingTimeInterval(seconds)
        return String(decoding: properties.envelope(occurredAt: time, receivedAt: time).jsonData(), as: UTF8.self)
    }

    @Test func alertFramesFillThePanelAndNeverTheTotals() throws {
        var model = Fixtures.model()
        let before = model.totalEvents
        for text in [
            Self.frame("s1", level: .warning, at: 1), Self.frame("s1", level: .critical, at: 2),
            Self.frame("s2", level: .critical, at: 3), Self.frame("s2", level: .critical, resolved: true, at: 4),
            Self.frame("s1", level: .critical, at: 2),
        ] {
            let frame = StreamFrameDecoder.decode(text)
            guard case .alert = frame else {
                Issue.record("an alert frame decoded as \(frame)")
                return
            }
            _ = model.update(.frame(frame))
        }
        #expect(model.totalEvents == before)
        #expect(model.feed.visible(10, where: { _ in true }).isEmpty)
        #expect(model.alerts.entries.count == 4, "the repeated id is dropped")
        #expect(model.alerts.open == [.critical: 1])

        let text = Fixtures.render(model, 100, 32).text
        #expect(text.contains("Alerts  1 critical, 0 warning open"), "\(text)")
        #expect(text.contains("resolved") && text.contains("CRITICAL") && text.contains("warning"))
        #expect(text.contains("session-click-burst  s2  50/50"))
    }

    @Test func alertsFromStatsAreMergedByID() {
        var model = Fixtures.model()
        let entry = AlertBoard.Entry(
            id: "a", rule: "r", key: "k", level: .warning, resolved: false, count: 3, threshold: 3, receivedAt: Fixtures.noon)
        _ = model.update(.alertsLoaded([entry, entry]))
        #expect(model.alerts.entries == [entry])
        #expect(!Fixtures.render(model, 100, 8).text.contains("Alerts"), "a small terminal keeps the panel out")
    }
}
