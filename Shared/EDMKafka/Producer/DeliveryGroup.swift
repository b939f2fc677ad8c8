import Synchronization

/// Collects the delivery reports of one `send` call's messages and resumes its waiter when all
/// have been reported. Reports may arrive before anyone waits (fast brokers), so results are
/// kept until `wait()` is called.
///
/// Each message's opaque pointer addresses one `Slot` in a buffer allocated once per group, so
/// the hot path allocates nothing per message. The group outlives every callback because its
/// sender holds it until `wait()` returns, which happens only after the last report.
final class DeliveryGroup: Sendable {
    struct Slot {
        let group: Unmanaged<DeliveryGroup>
        let index: Int
    }

    private struct State {
        var results: [Result<DeliveryReport, KafkaError>?]
        var pending: Int
        var waiter: CheckedContinuation<[Result<DeliveryReport, KafkaError>], Never>?
    }

    private let state: Mutex<State>
    /// Topic per message, so reports need no string copy out of librdkafka on its thread.
    let topics: [String]
    private nonisolated(unsafe) let slots: UnsafeMutablePointer<Slot>

    init(topics: [String]) {
        self.topics = topics
        state = Mutex(State(results: Array(repeating: nil, count: topics.count), pending: topics.count, waiter: nil))
        slots = .allocate(capacity: topics.count)
        let unmanaged = Unmanaged.passUnretained(self)
        for index in topics.indices {
            (slots + index).initialize(to: Slot(group: unmanaged, index: index))
        }
    }

    deinit {
        slots.deinitialize(count: topics.count)
        slots.deallocate()
    }

    /// The opaque pointer to hand librdkafka with message `index`.
    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots + index)
    }

    /// Resolves an opaque pointer from a delivery report back to its group and index.
    static func slot(from opaque: UnsafeMutableRawPointer) -> Slot {
        opaque.assumingMemoryBound(to: Slot.self).pointee
    }

    /// Records the outcome of message `index`; called once per message.
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
        // Nothing touches `self` after this: the waiter may release the group at once.
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
