import Dispatch

/// Runs librdkafka's blocking calls (flush, commit, metadata, seek) on Dispatch threads so they
/// never occupy the two threads of Swift's cooperative pool.
enum BlockingExecutor {
    private static let queue = DispatchQueue(label: "edm.kafka.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
