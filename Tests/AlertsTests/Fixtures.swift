@testable import AlertsService
import EDMEvents
import Foundation

/// Events and rules for the alerts tests; times are milliseconds from an epoch-aligned base.
enum Fixtures {
    /// 2026-12-01T00:00:00Z, a multiple of every window used here.
    static let base: Int64 = 1_796_083_200_000

    static func click(session: String, button: String = "the-camper's-kit", at time: Int64, receivedAt: Int64? = nil) -> EventEnvelope {
        EventEnvelope(
            occurredAt: EventTimestamp.date(fromMilliseconds: time),
            receivedAt: EventTimestamp.date(fromMilliseconds: receivedAt ?? time), sessionId: session,
            properties: ClickProperties(buttonId: button))
    }

    static func pageLoad(session: String, userAgent: String = "Mozilla/5.0 (X11; Linux x86_64)", at time: Int64) -> EventEnvelope {
        EventEnvelope(
            occurredAt: EventTimestamp.date(fromMilliseconds: time), receivedAt: EventTimestamp.date(fromMilliseconds: time),
            sessionId: session, properties: PageLoadProperties(url: "https://shop.example.com/", userAgent: userAgent))
    }

    /// Clicks per session in 10 s tumbling windows: warning 3, critical 5, resolved at <= 1.
    static let burstRule = rule(
        #"{"name": "burst", "eventType": "click", "key": "sessionId", "window": "10s", "grace": "2s", "warning": 3, "critical": 5, "resolveAt": 1}"#)

    static func rule(_ json: String) -> AlertRule {
        // Test fixtures are valid by construction; a parse failure is a broken test.
        do {
            return try RuleParser.parse("[\(json)]")[0]
        } catch {
            fatalError("fixture rule refused: \(error)")
        }
    }

    static func ingest(_ engine: inout AlertEngine, _ events: [EventEnvelope]) -> [AlertDecision] {
        events.flatMap { engine.ingest($0, eventTime: EventTimestamp.milliseconds(from: $0.occurredAt)) }
    }
}
