import EDMEvents
import EDMKafka
import EDMTracing

/// One validated event as the Kafka record the relay writes: keyed by session, the envelope
/// JSON as value, and headers naming its type, schema version, content type and trace (see
/// ``EventRecordHeaders``), so consumers know what a record is without parsing it.
enum RecordBuilder {
    static func message(
        for event: EncodedEvent, topic: String, index: Int, tracing: ProducerTracing
    ) -> (record: KafkaOutgoingMessage, send: ProducerTracing.Send) {
        let send = tracing.start(
            topic: topic, key: String(decoding: event.key, as: UTF8.self), messageID: event.id.uuidString.lowercased(),
            index: index)
        // Both parsing paths write the current envelope version.
        let headers = EventRecordHeaders(
            eventType: event.type, schemaVersion: EventEnvelope.currentSchemaVersion, traceParent: send.traceParent,
            traceState: tracing.traceState)
        let record = KafkaOutgoingMessage(
            topic: topic, key: event.key, value: event.json,
            headers: send.tracerHeaders.isEmpty ? headers.kafkaHeaders : headers.kafkaHeaders + send.tracerHeaders)
        return (record, send)
    }
}
