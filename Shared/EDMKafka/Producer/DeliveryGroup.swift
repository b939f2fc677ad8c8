import Synchronization

/// Collects the delivery reports of a set of enqueued messages and resumes one waiter when
/// all have been reported. Reports may arrive before anyone waits (fast brokers), so results
/// are kept until `wait()` is called.
final class DeliveryGroup: Sendable {
    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var pending: Int
        var waiter: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), pending: count, waiter: nil))
    }

    /// Records the outcome of message `index`; called once per message from librdkafka's thread.
    func complete(_ index: Int, with result: Result<DeliveryReport, KafkaError>) {
        let resume: (CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>, [Result<DeliveryReport, KafkaError>])? =
            state.withLock { state in
                guard state.results[index] == nil else { return nil }
                state.results[index] = result
                state.pending -= 1
                guard state.pending == 0, let waiter = state.waiter else { return nil }
                state.waiter = nil
                return (waiter, state.results.map { $0! })
            }
        if let (waiter, results) = resume {
            waiter.resume(returning: results)
        }
    }

    func wait() async -> [Result<DeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let ready: [Result<DeliveryReport, KafkaError>]? = state.withLock { state in
                if state.pending == 0 { return state.results.map { $0! } }
                state.waiter = continuation
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
            }
        }
    }
}

/// The opaque pointer librdkafka carries with each message back to its delivery report.
final class DeliverySlot {
    let group: DeliveryGroup
    let index: Int

    init(group: DeliveryGroup, index: Int) {
        self.group = group
        self.index = index
    }
}
