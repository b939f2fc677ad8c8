import EDMEvents
import EDMHTTP
import EDMKafka
import EDMStatsAPI
import EDMTracing
import Foundation

/// Hands validated events to Kafka and answers only with what the broker confirmed.
///
/// Returns the ids when *every* event of the request was acknowledged (acks=all, idempotent
/// producer); otherwise throws a 503 with Retry-After, so a 2xx always means stored. The wait is
/// bounded by the producer's message timeout (`ACK_TIMEOUT_MS`) plus at most one second for room
/// in a full local queue.
struct EventPublisher: Sendable {
    let producer: KafkaProducer
    let names: KafkaNames
    let retryAfterSeconds: Int

    func publish<Event: PublishableEvent>(_ events: [Event]) async throws(APIError) -> [UUID] {
        let tracing = ProducerTracing()
        var sends: [ProducerTracing.Send] = []
        sends.reserveCapacity(events.count)
        let messages = events.enumerated().map { index, event in
            let message = RecordBuilder.message(for: event, topic: event.topic(in: names), index: index, tracing: tracing)
            sends.append(message.send)
            return message.record
        }
        let started = ContinuousClock.now
        let results = await producer.send(messages)
        for (send, result) in zip(sends, results) { ProducerTracing.finish(send, with: result) }
        RelayMetrics.produceDuration(ContinuousClock.now - started)
        RelayMetrics.queueDepth(producer.queueDepth)

        var failures: [(index: Int, error: KafkaError)] = []
        for (index, result) in results.enumerated() {
            if case .failure(let error) = result { failures.append((index, error)) }
        }
        let countsByType = Dictionary(events.map { ($0.type, 1) }, uniquingKeysWith: +)
        guard !failures.isEmpty else {
            for (type, count) in countsByType { RelayMetrics.accepted(type: type, count: count) }
            return events.map(\.id)
        }
        let reason = Self.reason(for: failures.map(\.error))
        for (type, count) in countsByType { RelayMetrics.rejected(type: type, reason: reason, count: count) }
        // Some events of a batch may be in Kafka already: say which, so a client retries only
        // the rest (retrying all is safe too when the events carry ids or an Idempotency-Key).
        let stored = results.enumerated().compactMap { index, result -> ErrorDocument.StoredEvent? in
            guard case .success = result else { return nil }
            return ErrorDocument.StoredEvent(index: index, id: events[index].id.uuidString.lowercased())
        }
        throw unavailable(failures: failures, stored: stored, total: events.count, reason: reason)
    }

    /// The one reason reported for the request: the most actionable of its failures (shutting
    /// down, then a full queue, then a timeout, then anything the broker refused).
    static func reason(for errors: [KafkaError]) -> RelayMetrics.RejectionReason {
        let reasons = Set(errors.map { error -> RelayMetrics.RejectionReason in
            switch error.kind {
            case .queueFull: .queueFull
            case .closed: .shuttingDown
            case .delivery where error.isTimeout: .timeout
            default: .brokerError
            }
        })
        return [.shuttingDown, .queueFull, .timeout].first(where: reasons.contains) ?? .brokerError
    }

    private func unavailable(
        failures: [(index: Int, error: KafkaError)], stored: [ErrorDocument.StoredEvent], total: Int,
        reason: RelayMetrics.RejectionReason
    ) -> APIError {
        let summary: String =
            switch reason {
            case .queueFull: "the relay's send queue is full"
            case .shuttingDown: "the relay is shutting down"
            case .timeout: "the broker did not acknowledge in time"
            default: "the broker refused or lost the events"
            }
        let message =
            "not accepted: \(summary) (\(failures.count) of \(total) event\(total == 1 ? "" : "s") unacknowledged). "
            + "Events listed in `stored` are in Kafka; resend the others later (or the whole request with the same ids "
            + "or Idempotency-Key: consumers drop the repeats)."
        var error = APIError.unavailable(message, retryAfterSeconds: reason == .queueFull ? 1 : retryAfterSeconds)
        error.code = reason.rawValue
        error.stored = stored
        error.details = failures.map { failure in
            APIError.Detail(
                path: total == 1 ? "" : "[\(failure.index)]", message: failure.error.description,
                code: failure.error.codeName.isEmpty ? nil : failure.error.codeName)
        }
        return error
    }
}
