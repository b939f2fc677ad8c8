import EDMEvents
import EDMKafka
import EDMTracing

/// One validated event as the Kafka record the relay writes: keyed by session, the envelope
/// JSON as value, and headers naming its type, schema version, content type and trace (see
/// ``EventRecordHeaders``), so consumers know what a record is without parsing it.
enum RecordBuilder {
    static func message(
        for event: ValidatedEvent, topic: String, index: Int, tracing: ProducerTracing
    ) -> (record: KafkaOutgoingMessage, send: ProducerTracing.Send) {
        let envelope = event.envelope
        let send = tracing.start(
            topic: topic, key: envelope.partitionKey, messageID: envelope.id.uuidString.lowercased(), index: index)
        let headers = EventRecordHeaders(
            eventType: envelope.type, schemaVersion: envelope.schemaVersion, traceParent: send.traceParent,
            traceState: tracing.traceState)
        let record = KafkaOutgoingMessage(
            topic: topic, key: Array(envelope.partitionKey.utf8), value: [UInt8](event.json),
            headers: send.tracerHeaders.isEmpty ? headers.kafkaHeaders : headers.kafkaHeaders + send.tracerHeaders)
        return (record, send)
    }
}
