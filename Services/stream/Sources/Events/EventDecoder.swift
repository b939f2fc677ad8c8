import EDMEvents
import EDMKafka
import Foundation
import Hummingbird

/// Why a Kafka message was not forwarded. Every case is counted
/// (`stream_messages_skipped_total{reason}`); none is ever sent to a client raw.
enum SkipReason: String, Error, CaseIterable {
    /// A message with no value (a delete marker on compacted topics).
    case tombstone
    case malformedJSON = "malformed_json"
    /// JSON, but not a valid envelope (missing or wrong fields).
    case invalid
    /// A `type` this build does not know (from a newer producer).
    case unknownType = "unknown_type"
    case unsupportedVersion = "unsupported_version"
}

/// Turns Kafka messages into `StreamEvent`s with the strict envelope decoder, so clients only
/// ever see events the relay would have accepted.
struct EventDecoder: Sendable {
    var redactUserAgent: Bool

    func decode(_ message: KafkaMessage) -> Result<StreamEvent, SkipReason> {
        guard let value = message.value else { return .failure(.tombstone) }
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope.decode(from: Data(value))
        } catch {
            switch error {
            case .malformedJSON: return .failure(.malformedJSON)
            case .invalid: return .failure(.invalid)
            case .unknownType: return .failure(.unknownType)
            case .unsupportedSchemaVersion: return .failure(.unsupportedVersion)
            }
        }
        return .success(event(envelope, partition: message.topicPartition, offset: message.offset,
                              timestamp: message.timestampMilliseconds))
    }

    func event(_ envelope: EventEnvelope, partition: TopicPartition, offset: Int64, timestamp: Int64?) -> StreamEvent {
        let click = envelope.properties(as: ClickProperties.self)
        let pageLoad = envelope.properties(as: PageLoadProperties.self)
        var shown = envelope
        if redactUserAgent, var properties = pageLoad, !properties.userAgent.isEmpty {
            // An empty string rather than a missing key: the frame stays a valid pageload event.
            properties.userAgent = ""
            shown = EventEnvelope(
                id: envelope.id, occurredAt: envelope.occurredAt, receivedAt: envelope.receivedAt,
                sessionId: envelope.sessionId, source: envelope.source, properties: properties,
                extras: envelope.extras)
        }
        return StreamEvent(
            partition: partition, offset: offset,
            timestamp: timestamp ?? EventTimestamp.milliseconds(from: envelope.receivedAt),
            type: envelope.type, sessionId: envelope.sessionId, buttonId: click?.buttonId,
            deviceType: pageLoad?.deviceType, frame: WebSocketWire.textFrame(ByteBuffer(bytes: shown.jsonData())))
    }
}
