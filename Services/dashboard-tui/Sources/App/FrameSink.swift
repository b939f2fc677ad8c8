import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where rendered frames go.
public protocol FrameSink: Sendable {
    func write(_ text: String)
}

/// Writes to a file descriptor (the terminal, or /dev/null in the benchmark) on a serial
/// Dispatch queue, so a slow terminal never blocks Swift's cooperative threads and frames keep
/// their order.
public final class FileDescriptorSink: FrameSink {
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "dashboard-output")

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public func write(_ text: String) {
        let descriptor = self.descriptor
        queue.async { TerminalGuard.writeAll(text, to: descriptor) }
    }

    /// Waits until every frame queued so far is written (before restoring the terminal).
    public func flush() {
        queue.sync {}
    }
}
