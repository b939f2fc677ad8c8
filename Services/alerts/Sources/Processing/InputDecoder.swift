import EDMEvents
import EDMKafka
import Foundation

/// Decodes a batch of input records exactly as ``EventRecordDecoder`` does, a little cheaper,
/// and on two threads when the batch is large (decoding is half the cost of an event here).
///
/// A record goes straight to ``EventEnvelope/decode(from:registry:limits:)`` with its topic's
/// kind looked up once per run of records of that topic; anything it refuses, or whose type
/// does not match the topic, goes through ``EventRecordDecoder`` itself, so skip reasons and
/// the legacy payloads stay the shared decoder's.
struct InputDecoder: Sendable {
    let records: EventRecordDecoder
    /// Batches at least this long are decoded in two halves at once.
    var parallelThreshold = 512

    init(names: KafkaNames, limits: ValidationLimits = .default) {
        records = EventRecordDecoder(names: names, limits: limits)
    }

    func decode(_ batch: [KafkaMessage]) async -> [Result<EventEnvelope, SkipReason>] {
        guard batch.count >= parallelThreshold else { return decode(batch[...]) }
        let middle = batch.count / 2
        async let first = decode(batch[..<middle])
        let second = decode(batch[middle...])
        return await first + second
    }

    func decode(_ messages: ArraySlice<KafkaMessage>) -> [Result<EventEnvelope, SkipReason>] {
        var results: [Result<EventEnvelope, SkipReason>] = []
        results.reserveCapacity(messages.count)
        var topic = ""
        var eventType: String?
        for message in messages {
            if message.topic != topic {
                topic = message.topic
                eventType = records.names.kind(forTopic: topic)?.eventType
            }
            if let eventType, let bytes = message.value,
                let envelope = try? EventEnvelope.decode(from: Data(bytes), registry: records.names.registry, limits: records.limits),
                envelope.type == eventType
            {
                results.append(.success(envelope))
            } else {
                results.append(
                    records.decode(
                        EventRecord(
                            topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
                            timestampMilliseconds: message.timestampMilliseconds)))
            }
        }
        return results
    }
}
