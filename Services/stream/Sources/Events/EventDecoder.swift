import EDMEvents
import EDMKafka
import Foundation
import Hummingbird

/// Turns Kafka messages into `StreamEvent`s with the shared ``EventRecordDecoder``, so clients
/// see exactly the events stats counts (raw reference-relay payloads included), and skipped
/// messages carry the same reasons in both services' metrics.
struct EventDecoder: Sendable {
    let records: EventRecordDecoder
    var redactUserAgent: Bool

    init(names: KafkaNames, redactUserAgent: Bool) {
        self.records = EventRecordDecoder(names: names)
        self.redactUserAgent = redactUserAgent
    }

    func decode(_ message: KafkaMessage) -> Result<StreamEvent, SkipReason> {
        let record = EventRecord(
            topic: message.topic, partition: message.partition, offset: message.offset,
            value: message.value, timestampMilliseconds: message.timestampMilliseconds)
        return records.decode(record).map {
            event($0, partition: message.topicPartition, offset: message.offset, timestamp: message.timestampMilliseconds)
        }
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
            deviceType: pageLoad?.deviceType, alertLevel: envelope.properties(as: AlertProperties.self)?.level, frame: WebSocketWire.textFrame(ByteBuffer(bytes: shown.jsonData())))
    }
}
