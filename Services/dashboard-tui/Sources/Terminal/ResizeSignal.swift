import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calls `onResize` when the terminal changes size (SIGWINCH), through a Dispatch signal source
/// so the work happens outside the signal handler.
public final class ResizeSignal: @unchecked Sendable {  // the source is only resumed and cancelled
    private let source: any DispatchSourceSignal

    public init(onResize: @escaping @Sendable () -> Void) {
        signal(SIGWINCH, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: DispatchQueue(label: "dashboard-resize"))
        source.setEventHandler(handler: onResize)
        source.resume()
    }

    public func cancel() { source.cancel() }
}
