import Dispatch
import Synchronization

/// The hand-off between the poll thread and the one task iterating the consumer. When `count`
/// reaches `capacity` the poll thread stops polling until the task takes messages (librdkafka
/// then stops fetching once its own prefetch queue is full): bounded memory, nothing purged.
final class MessageBuffer: Sendable {
    let capacity: Int
    private let space = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Blocks the poll thread until the buffer has room or `timeout` passes.
    func waitForSpace(timeout: DispatchTimeInterval) {
        guard count >= capacity else { return }
        _ = space.wait(timeout: .now() + timeout)
    }

    private func signalSpace(previousCount: Int, newCount: Int) {
        if previousCount >= capacity && newCount < capacity { space.signal() }
    }

    private struct State {
        var messages: [KafkaMessage] = []
        var head = 0
        var finished = false
        var waiter: CheckedContinuation<[KafkaMessage], Never>?
        var waiterMaxCount = 1

        var count: Int { messages.count - head }

        mutating func take(_ maxCount: Int) -> [KafkaMessage] {
            let end = min(messages.count, head + maxCount)
            let batch = Array(messages[head..<end])
            head = end
            if head == messages.count {
                messages.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 4096 && head * 2 > messages.count {
                messages.removeFirst(head)
                head = 0
            }
            return batch
        }
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.count } }

    /// Adds messages and wakes the waiting task, if any.
    func push(_ newMessages: [KafkaMessage]) {
        guard !newMessages.isEmpty else { return }
        let wake: (CheckedContinuation<[KafkaMessage], Never>, [KafkaMessage])? = state.withLock { state in
            guard !state.finished else { return nil }
            state.messages.append(contentsOf: newMessages)
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.take(state.waiterMaxCount))
        }
        if let (waiter, batch) = wake { waiter.resume(returning: batch) }
    }

    /// Drops buffered messages of partitions the consumer no longer owns or has just sought.
    func discard(partitions: Set<TopicPartition>) {
        let (before, after) = state.withLock { state in
            let before = state.count
            let kept = state.messages[state.head...].filter { !partitions.contains($0.topicPartition) }
            state.messages = Array(kept)
            state.head = 0
            return (before, state.count)
        }
        signalSpace(previousCount: before, newCount: after)
    }

    /// Ends iteration: waiting and later calls return an empty batch.
    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            state.messages.removeAll()
            state.head = 0
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
    }

    /// Up to `maxCount` messages, waiting for at least one. Empty means finished or cancelled.
    func next(maxCount: Int) async -> [KafkaMessage] {
        if let (ready, before, after) = state.withLock({ state -> ([KafkaMessage], Int, Int)? in
            let before = state.count
            if before > 0 { return (state.take(maxCount), before, state.count) }
            return state.finished ? ([], 0, 0) : nil
        }) {
            signalSpace(previousCount: before, newCount: after)
            return ready
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: [KafkaMessage]? = state.withLock { state in
                    if state.count > 0 { return state.take(maxCount) }
                    if state.finished || Task.isCancelled { return [] }
                    state.waiter = continuation
                    state.waiterMaxCount = maxCount
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: [])
        }
    }
}
