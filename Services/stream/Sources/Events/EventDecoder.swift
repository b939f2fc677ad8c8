import EDMEvents
import EDMKafka
import EDMRegistry
import Foundation
import Hummingbird

/// Turns Kafka messages into `StreamEvent`s with the shared ``EventRecordDecoder``, so clients
/// see exactly the events stats counts (raw reference-relay payloads included), and skipped
/// messages carry the same reasons in both services' metrics. Records of types registered at
/// runtime (topics `<prefix>edm-ui-<type>` of a type the registry knows) are read with
/// ``RegisteredRecordDecoder``.
struct EventDecoder: Sendable {
    let records: EventRecordDecoder
    var redactUserAgent: Bool
    let registry: SchemaRegistry?
    /// `<prefix>edm-ui-`: a registered type's topic is this and the type's name.
    private let registeredTopicStart: String

    init(names: KafkaNames, redactUserAgent: Bool, registry: SchemaRegistry? = nil) {
        self.records = EventRecordDecoder(names: names)
        self.redactUserAgent = redactUserAgent
        self.registry = registry
        registeredTopicStart = names.prefix + RegisteredType.topicBase(for: "")
    }

    /// The registered type whose topic `topic` is (nil: not a known registered type's topic).
    func registeredType(ofTopic topic: String) -> String? {
        guard let registry, topic.hasPrefix(registeredTopicStart) else { return nil }
        let name = String(topic.dropFirst(registeredTopicStart.count))
        return registry.entry(named: name) == nil ? nil : name
    }

    func decode(_ message: KafkaMessage) -> Result<StreamEvent, SkipReason> {
        let record = EventRecord(
            topic: message.topic, partition: message.partition, offset: message.offset,
            value: message.value, timestampMilliseconds: message.timestampMilliseconds)
        // Built-in topics first, so their events pay nothing for the registry.
        let decoded = records.decode(record)
        if case .failure(.unknownTopic) = decoded, let type = registeredType(ofTopic: message.topic) {
            return RegisteredRecordDecoder.decode(message.value, type: type).map {
                registeredEvent($0, partition: message.topicPartition, offset: message.offset, timestamp: message.timestampMilliseconds)
            }
        }
        return decoded.map {
            event($0, partition: message.topicPartition, offset: message.offset, timestamp: message.timestampMilliseconds)
        }
    }

    func registeredEvent(_ record: RegisteredRecord, partition: TopicPartition, offset: Int64, timestamp: Int64?) -> StreamEvent {
        StreamEvent(
            partition: partition, offset: offset, timestamp: timestamp ?? record.receivedAtMilliseconds, type: record.type,
            sessionId: record.sessionId, buttonId: nil, deviceType: nil, properties: .object(record.properties),
            frame: WebSocketWire.textFrame(ByteBuffer(bytes: record.json)))
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
