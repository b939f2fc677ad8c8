extension KafkaConsumer {
    /// A batch, or an empty one when none arrives within `wait`. Nothing taken from the
    /// consumer is lost: if the batch and the timer race, both results are collected.
    public func nextBatch(maxCount: Int, waitingAtMost wait: Duration) async -> [KafkaMessage] {
        await withTaskGroup(of: [KafkaMessage].self) { group in
            group.addTask { await self.nextBatch(maxCount: maxCount) }
            group.addTask {
                try? await Task.sleep(for: wait)
                return []
            }
            var messages = await group.next() ?? []
            group.cancelAll()
            for await more in group { messages += more }
            return messages
        }
    }
}
