import DequeModule

extension Deque {
    /// Removes and returns up to `maxCount` elements from the front: one client write's worth.
    mutating func removeFirst(upTo maxCount: Int) -> [Element] {
        let taken = Swift.min(count, maxCount)
        defer { removeFirst(taken) }
        return Array(prefix(taken))
    }

    mutating func replaceLast(_ element: Element) {
        self[index(before: endIndex)] = element
    }
}
