import EDMEvents
import EDMKafka
import Foundation

/// Builds canonical events and produces them the way the relay does (key = session id).
struct EventFactory {
    let names = try! KafkaNames(prefix: nil)
    var counter = 0

    mutating func click(button: String = "the-camper's-kit", session: String? = nil, description: String? = nil) -> EventEnvelope {
        counter += 1
        return EventEnvelope(
            occurredAt: Date(), receivedAt: Date(), sessionId: session ?? "session-\(counter % 7)",
            properties: ClickProperties(buttonId: button, description: description))
    }

    mutating func pageLoad(
        userAgent: String = PageLoadProperties.example.userAgent, session: String? = nil,
        url: String = "https://shop.example.com/", description: String? = nil
    ) -> EventEnvelope {
        counter += 1
        return EventEnvelope(
            occurredAt: Date(), receivedAt: Date(), sessionId: session ?? "session-\(counter % 7)",
            properties: PageLoadProperties(url: url, userAgent: userAgent, description: description))
    }

    func message(_ event: EventEnvelope) -> KafkaOutgoingMessage {
        KafkaOutgoingMessage(topic: names.topic(for: event), key: Array(event.sessionId.utf8), value: Array(event.jsonData()))
    }
}

extension KafkaProducer {
    /// Produces and waits for every acknowledgement; fails the test on any error.
    func produce(_ messages: [KafkaOutgoingMessage]) async throws {
        for result in await send(messages) { _ = try result.get() }
    }
}

func testProducer(_ bootstrap: String) throws -> KafkaProducer {
    var configuration = KafkaProducerConfiguration()
    configuration.extraProperties = ["log_level": "3"]
    return try KafkaProducer(connection: KafkaConnection(bootstrapServers: [bootstrap]), configuration: configuration, logger: quietLogger)
}

/// The event types in the canonical JSON of a frame, for comparing with what was produced.
extension EventEnvelope {
    /// The frame a client should receive for this event (user agent redacted by default).
    func expectedFrame(redactUserAgent: Bool = true) -> JSONValue {
        var value = jsonValue
        if redactUserAgent, case .object(var root) = value, case .object(var properties)? = root["properties"],
            properties["userAgent"] != nil
        {
            properties["userAgent"] = .string("")
            root["properties"] = .object(properties)
            value = .object(root)
        }
        return value
    }
}
