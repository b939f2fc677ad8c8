import Foundation
import Synchronization

/// A dedicated OS thread that calls a blocking poll in a loop until stopped, so librdkafka's
/// callbacks are served promptly without occupying the cooperative pool.
final class PollThread: Sendable {
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, poll: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                poll()
            }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Stops the loop; `wake` interrupts a poll in progress. Blocks until the thread exits.
    func stop(wake: () -> Void) {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        wake()
        finished.wait()
    }
}
