import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads key presses from a raw-mode terminal on its own thread (a blocking `poll`/`read` loop
/// must not sit on Swift's cooperative pool) and hands them to `onKeys`.
public final class TerminalInput: Sendable {
    private let descriptor: Int32
    private let stopped = LockedFlag()

    public init(descriptor: Int32 = STDIN_FILENO) {
        self.descriptor = descriptor
    }

    public func start(onKeys: @escaping @Sendable ([Key]) -> Void) {
        let descriptor = self.descriptor
        let stopped = self.stopped
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64)
            while !stopped.value {
                var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&request, 1, 100)
                if ready <= 0 { continue }
                if request.revents & Int16(POLLIN | POLLHUP) == 0 { continue }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 {
                    if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    onKeys([.interrupt])  // the terminal went away
                    return
                }
                onKeys(Key.decode(Array(buffer[0..<count])))
            }
        }
        thread.name = "dashboard-keys"
        thread.start()
    }

    /// The reading thread ends within one poll interval (100 ms).
    public func stop() { stopped.set() }
}

/// A flag one thread sets and another polls.
final class LockedFlag: Sendable {
    private let storage = NSLockedValue(false)
    var value: Bool { storage.get() }
    func set() { storage.set(true) }
}

/// A value behind an `NSLock`, for the few places where threads outside Swift concurrency share
/// state (the key reader, the resize signal).
final class NSLockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
