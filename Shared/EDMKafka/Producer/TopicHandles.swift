import CRdKafka
import Synchronization

/// librdkafka topic handles by name. Producing with a handle skips the per-message topic
/// lookup (and client-wide write lock) that producing by name costs.
final class TopicHandles: Sendable {
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let handles = Mutex<[String: Handle]>([:])

    func handle(for topic: String, client: OpaquePointer) -> OpaquePointer? {
        let found: Handle? = handles.withLock { handles in
            if let existing = handles[topic] { return existing }
            guard let created = rd_kafka_topic_new(client, topic, nil) else { return nil }
            handles[topic] = Handle(pointer: created)
            return Handle(pointer: created)
        }
        return found?.pointer
    }

    /// Releases every handle; required before the client is destroyed.
    func destroyAll() {
        handles.withLock { handles in
            for handle in handles.values { rd_kafka_topic_destroy(handle.pointer) }
            handles.removeAll()
        }
    }
}
