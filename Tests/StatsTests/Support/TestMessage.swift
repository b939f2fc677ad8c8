import EDMEvents
import EDMKafka
import Foundation

/// Something a test produces to an event topic: a canonical envelope (as the relay writes it),
/// a raw payload of the reference relay, or arbitrary bytes.
enum TestMessage: Sendable {
    case envelope(EventEnvelope)
    /// The reference relay's JSON, produced to the topic of `type`.
    case legacyPayload(type: String, sessionId: String, eventTimestamp: Int64, properties: [String: JSONValue])
    /// Anything at all; nil bytes is a tombstone.
    case raw(topicType: String, value: [UInt8]?)

    func outgoing(names: KafkaNames) -> KafkaOutgoingMessage {
        switch self {
        case .envelope(let envelope):
            return KafkaOutgoingMessage(
                topic: names.topic(for: envelope), key: Array(envelope.partitionKey.utf8),
                value: Array(envelope.jsonData()))
        case .legacyPayload(let type, let sessionId, let timestamp, let properties):
            let kind = names.registry.kind(named: type)!
            let payload: JSONValue = [
                "topic": .string(kind.topicBase), "uuid": .string(sessionId),
                "event_timestamp": .integer(timestamp), "properties": .object(properties),
            ]
            return KafkaOutgoingMessage(
                topic: names.topic(for: kind), key: Array(sessionId.utf8), value: Array(payload.serialized()))
        case .raw(let type, let value):
            return KafkaOutgoingMessage(
                topic: names.topic(for: names.registry.kind(named: type)!), key: Array("raw".utf8), value: value)
        }
    }
}

/// Builds events with controlled times and ids.
enum Events {
    /// A fixed, recent instant (ms precision) so buckets are predictable.
    static let base = EventTimestamp.date(fromMilliseconds: 1_763_900_000_000)  // 2025-11-23T12:13:20Z

    static func click(
        _ buttonId: String, at occurredAt: Date = base, receivedAt: Date? = nil, id: UUID = UUID(),
        session: String = "session-1", source: EventSource = .v1
    ) -> EventEnvelope {
        EventEnvelope(
            id: id, occurredAt: occurredAt, receivedAt: receivedAt ?? occurredAt.addingTimeInterval(0.2),
            sessionId: session, source: source, properties: ClickProperties(buttonId: buttonId, description: "Add to cart"))
    }

    static func pageLoad(
        url: String, userAgent: String, at occurredAt: Date = base, receivedAt: Date? = nil, id: UUID = UUID(),
        session: String = "session-1", source: EventSource = .v1
    ) -> EventEnvelope {
        EventEnvelope(
            id: id, occurredAt: occurredAt, receivedAt: receivedAt ?? occurredAt.addingTimeInterval(0.2),
            sessionId: session, source: source, properties: PageLoadProperties(url: url, userAgent: userAgent))
    }

    static let desktopAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
    static let phoneAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    static let tabletAgent = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    static let botAgent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

    static let buttons = ["the-camper's-kit", "bunum-wo-aa,-papua-new-guinea", "msr-reactor-2.5l-stove-system", "b\"q\\z{}", "NULL"]
    static let urls = ["https://shop.example.com/", "https://shop.example.com/products/the-camper's-kit?ref=home", "https://shop.example.com/cart"]
    static let agents = [desktopAgent, phoneAgent, tabletAgent, botAgent, ""]

    /// A mixed stream: clicks and page loads over several buttons, URLs, devices, sessions and
    /// seconds, v1 and legacy sources.
    static func mixedStream(count: Int, start: Date = base, spacing: TimeInterval = 0.75) -> [EventEnvelope] {
        (0..<count).map { index in
            let time = start.addingTimeInterval(Double(index) * spacing)
            let session = "session-\(index % 37)"
            let source: EventSource = index % 3 == 0 ? .legacy : .v1
            if index % 4 == 3 {
                return pageLoad(
                    url: urls[index % urls.count], userAgent: agents[index % agents.count], at: time,
                    session: session, source: source)
            }
            return click(buttons[index % buttons.count], at: time, session: session, source: source)
        }
    }
}
