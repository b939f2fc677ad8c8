import EDMKafka

/// Takes batches from the consumer: waits for the first messages (waking every
/// `idleCheckInterval`, and at once on stop), then lets the batch fill for up to `maxBatchWait`
/// or `maxBatchMessages`.
struct BatchCollector: Sendable {
    enum Collected: Sendable {
        case messages([KafkaMessage])
        /// Nothing arrived within `idleCheckInterval` (or the ingestor is stopping).
        case idle
        /// The consumer closed.
        case closed
    }

    let consumer: KafkaConsumer
    let settings: IngestSettings
    let stop: StopSignal

    func collect() async -> Collected {
        let first = await nextMessages(max: settings.maxBatchMessages, until: .now + settings.idleCheckInterval)
        var messages: [KafkaMessage]
        switch first {
        case .closed, .idle: return first
        case .messages(let batch): messages = batch
        }
        let deadline = ContinuousClock.now + settings.maxBatchWait
        while messages.count < settings.maxBatchMessages, !stop.isStopped, ContinuousClock.now < deadline {
            guard case .messages(let more) = await nextMessages(max: settings.maxBatchMessages - messages.count, until: deadline)
            else { break }
            messages += more
        }
        return .messages(messages)
    }

    /// Races the consumer's buffer against a deadline and the stop signal. Messages a cancelled
    /// read had already taken are kept, never dropped.
    private func nextMessages(max: Int, until deadline: ContinuousClock.Instant) async -> Collected {
        enum Wake: Sendable {
            case batch([KafkaMessage])
            case timeout
        }
        return await withTaskGroup(of: Wake.self) { group in
            group.addTask { [consumer] in .batch(await consumer.nextBatch(maxCount: max)) }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return .timeout
            }
            group.addTask { [stop] in
                await stop.wait()
                return .timeout
            }
            var collected: [KafkaMessage] = []
            var closed = false
            if case .batch(let batch)? = await group.next() {
                collected = batch
                closed = batch.isEmpty  // the buffer answered first with nothing: it is finished
            }
            group.cancelAll()
            while let wake = await group.next() {
                if case .batch(let batch) = wake { collected += batch }
            }
            if closed { return .closed }
            return collected.isEmpty ? .idle : .messages(collected)
        }
    }
}
