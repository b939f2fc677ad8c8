import EDMEvents
import EDMKafka
import Foundation

/// Decodes a batch of input records with the shared ``EventRecordDecoder`` (its rules, its skip
/// reasons, its legacy payloads), projecting each accepted event straight to what the engine
/// counts (``MatchedEvent``: times and each rule's key) instead of building an envelope; on two
/// threads when the batch is large. Matching the rules here keeps it out of the state lock.
struct InputDecoder: Sendable {
    let records: EventRecordDecoder
    /// One per rule, in the rules' order (``MatchedEvent/keys``).
    let matchers: [RuleMatcher]
    let policy: EventTimePolicy
    /// Batches at least this long are decoded in two halves at once.
    var parallelThreshold = 512

    init(names: KafkaNames, rules: [AlertRule], policy: EventTimePolicy = .standard, limits: ValidationLimits = .default) {
        records = EventRecordDecoder(names: names, limits: limits)
        matchers = rules.map(RuleMatcher.init)
        self.policy = policy
    }

    func decode(_ batch: [KafkaMessage]) async -> [Result<MatchedEvent, SkipReason>] {
        guard batch.count >= parallelThreshold else { return decode(batch[...]) }
        let middle = batch.count / 2
        async let first = decode(batch[..<middle])
        let second = decode(batch[middle...])
        return await first + second
    }

    func decode(_ messages: ArraySlice<KafkaMessage>) -> [Result<MatchedEvent, SkipReason>] {
        var results: [Result<MatchedEvent, SkipReason>] = []
        results.reserveCapacity(messages.count)
        for message in messages {
            results.append(decode(message))
        }
        return results
    }

    func decode(_ message: KafkaMessage) -> Result<MatchedEvent, SkipReason> {
        records.decode(
            EventRecord(
                topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
                timestampMilliseconds: message.timestampMilliseconds),
            projecting: { MatchedEvent($0, matchers: matchers, policy: policy) })
    }
}
