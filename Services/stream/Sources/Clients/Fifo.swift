/// A first-in first-out buffer with amortised O(1) append and removal from the front, without
/// depending on swift-collections (not a declared dependency of this target).
struct Fifo<Element> {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    var last: Element? {
        isEmpty ? nil : storage[storage.count - 1]
    }

    mutating func replaceLast(_ element: Element) {
        storage[storage.count - 1] = element
    }

    /// Removes and returns up to `maxCount` elements from the front.
    mutating func removeFirst(upTo maxCount: Int) -> [Element] {
        let end = min(storage.count, head + maxCount)
        let taken = Array(storage[head..<end])
        head = end
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 4096)
            head = 0
        } else if head > 1024 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return taken
    }

    mutating func removeAll() {
        storage.removeAll()
        head = 0
    }
}

extension Fifo: Sendable where Element: Sendable {}
