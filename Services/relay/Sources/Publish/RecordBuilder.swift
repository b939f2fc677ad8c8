import EDMEvents
import EDMKafka
import EDMTracing

/// One validated event as the Kafka record the relay writes: keyed by session, the envelope
/// JSON as value, and headers naming its type, schema version, content type and trace (see
/// ``EventRecordHeaders``), so consumers know what a record is without parsing it. An event of
/// a registered type also carries `type-version`: the registered schema version it was
/// validated against (`schema-version` stays the envelope format version).
enum RecordBuilder {
    static let typeVersionHeader = "type-version"

    static func message<Event: PublishableEvent>(
        for event: Event, topic: String, index: Int, tracing: ProducerTracing
    ) -> (record: KafkaOutgoingMessage, send: ProducerTracing.Send) {
        let send = tracing.start(
            topic: topic, key: String(decoding: event.key, as: UTF8.self), messageID: event.id.uuidString.lowercased(),
            index: index)
        // Both parsing paths write the current envelope version.
        let headers = EventRecordHeaders(
            eventType: event.type, schemaVersion: EventEnvelope.currentSchemaVersion, traceParent: send.traceParent,
            traceState: tracing.traceState)
        var recordHeaders = send.tracerHeaders.isEmpty ? headers.kafkaHeaders : headers.kafkaHeaders + send.tracerHeaders
        if let version = event.registeredVersion {
            recordHeaders.append(KafkaHeader(key: typeVersionHeader, value: String(version)))
        }
        let record = KafkaOutgoingMessage(topic: topic, key: event.key, value: event.json, headers: recordHeaders)
        return (record, send)
    }
}
