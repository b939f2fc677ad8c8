import TestSupport
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension StreamBenchmark {
    /// Hundreds of WebSocket clients on raw sockets, read by one thread with poll(2) (this target
    /// has no WebSocket library, and one thread keeps the client side cheap next to the server on
    /// two cores). Each event frame's produce time is parsed from its session id
    /// (`bench-<ns since 1970>`) and the produce-to-client latency goes into a histogram.
    final class Swarm: @unchecked Sendable {
        /// Per-client state in parallel arrays (so parsing a client's bytes in place does not
        /// overlap with updating its flags).
        private var descriptors: [Int32] = []
        private var buffers: [[UInt8]] = []
        private var starts: [Int] = []
        private var live: [Bool] = []
        private var closed: [Bool] = []


        private var polled: [pollfd] = []
        private let stopRequested = Atomic<Bool>(false)
        private let finished = DispatchSemaphore(value: 0)
        /// Only events sent inside `[windowStart, windowEnd)` (ns) are counted.
        let windowStart = Atomic<Int64>(.max)
        let windowEnd = Atomic<Int64>(.max)
        // Written by the epoll thread only; read after `stop()`.
        /// Produce-to-client latency in nanoseconds.
        private var latencies = Samples(resolution: 1)
        private(set) var counted = 0
        private(set) var droppedNotices = 0
        /// Bytes of every frame received (headers included): events, notices and checkpoints.
        private(set) var wireBytes = 0
        private let liveCount = Atomic<Int>(0)
        private let deliveredCount = Atomic<Int>(0)

        init() {}

        deinit {
            for index in descriptors.indices where !closed[index] { close(descriptors[index]) }
        }

        var liveClients: Int { liveCount.load(ordering: .relaxed) }
        /// Event frames received so far (any send time).
        var delivered: Int { deliveredCount.load(ordering: .relaxed) }

        /// Connects `count` clients (blocking; call from a Dispatch thread), `batch` at a time so
        /// the server's accept backlog is never overrun.
        func connect(port: Int, path: String, count: Int, batch: Int = 50) throws {
            var pending: [Int32] = []
            for index in 0..<count {
                pending.append(try Self.openSocket(port: port))
                if pending.count == batch || index == count - 1 {
                    for descriptor in pending { try upgrade(descriptor, port: port, path: path) }
                    pending.removeAll()
                }
            }
        }

        private static func openSocket(port: Int) throws -> Int32 {
            try LoopbackSocket.connect(port: port, .init(noDelay: true))
        }

        /// Sends the upgrade request, reads the 101, keeps any bytes after it, and adds the socket
        /// (non-blocking) to the polled set.
        private func upgrade(_ descriptor: Int32, port: Int, path: String) throws {
            let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            try Self.writeAll(descriptor, Array(request.utf8))
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            let terminator = Array("\r\n\r\n".utf8)
            var headerEnd: Int?
            while headerEnd == nil {
                let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw BenchError("upgrade: connection closed (\(errno))") }
                received += chunk[0..<count]
                if received.count >= 4 {
                    headerEnd = (0...(received.count - 4)).first { Array(received[$0..<($0 + 4)]) == terminator }
                }
            }
            let head = String(decoding: received[0..<headerEnd!], as: UTF8.self)
            guard head.hasPrefix("HTTP/1.1 101") else { throw BenchError("upgrade refused: \(head.prefix(60))") }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            descriptors.append(descriptor)
            buffers.append(Array(received[(headerEnd! + 4)...]))
            starts.append(0)
            live.append(false)
            closed.append(false)
            polled.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
            process(descriptors.count - 1)
        }

        /// Reads until `stop()`, on a thread of its own.
        func start() {
            let thread = Thread { [self] in
                while !stopRequested.load(ordering: .relaxed) {
                    let ready = poll(&polled, nfds_t(polled.count), 50)
                    guard ready > 0 else { continue }
                    for index in polled.indices where polled[index].revents != 0 {
                        read(index)
                    }
                }
                finished.signal()
            }
            thread.name = "bench-stream-swarm"
            thread.start()
        }

        func stop() {
            stopRequested.store(true, ordering: .relaxed)
            finished.wait()
            for index in descriptors.indices where !closed[index] {
                close(descriptors[index])
                closed[index] = true
            }
        }

        /// Latency percentile in milliseconds over counted deliveries (call after `stop()`).
        func percentile(_ fraction: Double) -> Double {
            latencies.percentile(fraction) / 1e6
        }

        private var chunk = [UInt8](repeating: 0, count: 65_536)

        private func read(_ index: Int) {
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(descriptors[index], $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    buffers[index].append(contentsOf: chunk[0..<count])
                    // A short read emptied the socket: skip the recv that would say EAGAIN (poll
                    // reports the socket again if more came; half the syscalls at 10,000 clients).
                    if count < chunk.count { break }
                    continue
                }
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                    closed[index] = true
                    polled[index].fd = -1  // poll ignores negative descriptors
                }
                break
            }
            process(index)
        }

        /// Parses every complete frame in the client's buffer, in place.
        private func process(_ index: Int) {
            let now = Self.wallClockNanoseconds()
            let consumed = buffers[index].withUnsafeBufferPointer { bytes -> Int in
                var start = starts[index]
                while bytes.count - start >= 2 {
                    let opcode = bytes[start] & 0x0F
                    var length = Int(bytes[start + 1] & 0x7F)
                    var header = 2
                    if length == 126 {
                        guard bytes.count - start >= 4 else { break }
                        length = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
                        header = 4
                    } else if length == 127 {
                        guard bytes.count - start >= 10 else { break }
                        length = (0..<8).reduce(0) { $0 << 8 | Int(bytes[start + 2 + $1]) }
                        header = 10
                    }
                    guard bytes.count - start >= header + length else { break }
                    let payload = UnsafeBufferPointer(rebasing: bytes[(start + header)..<(start + header + length)])
                    wireBytes += header + length
                    switch opcode {
                    case 1: text(payload, receivedAt: now, client: index)
                    case 9: pong(descriptors[index], Array(payload))
                    case 8: closed[index] = true
                    default: break
                    }
                    start += header + length
                }
                return start
            }
            if consumed == buffers[index].count {
                buffers[index].removeAll(keepingCapacity: true)
                starts[index] = 0
            } else if consumed > 1 << 20 {
                buffers[index].removeFirst(consumed)
                starts[index] = 0
            } else {
                starts[index] = consumed
            }
        }

        static let sessionMarker = Array(#""sessionId":"bench-"#.utf8)

        static let checkpointSuffix = Array(#""kind":"checkpoint"}"#.utf8)

        private func text(_ payload: UnsafeBufferPointer<UInt8>, receivedAt now: Int64, client: Int) {
            // Checkpoints (keys sorted: `kind` comes last) are skipped without building a String:
            // this one thread reads every client, and its own delay would count as latency.
            if payload.count >= Self.checkpointSuffix.count,
                payload.suffix(Self.checkpointSuffix.count).elementsEqual(Self.checkpointSuffix)
            {
                return
            }
            // Event keys are sorted, so the session id sits near the end: search backwards.
            if let sent = Self.number(after: Self.sessionMarker, inReversed: payload) {
                deliveredCount.add(1, ordering: .relaxed)
                guard sent >= windowStart.load(ordering: .relaxed), sent < windowEnd.load(ordering: .relaxed) else { return }
                latencies.record(Double(max(0, now - sent)))
                counted += 1
                return
            }
            let text = String(decoding: payload, as: UTF8.self)
            if text.contains(#""kind":"live""#), !live[client] {
                live[client] = true
                liveCount.add(1, ordering: .relaxed)
            } else if text.contains(#""kind":"dropped""#) {
                droppedNotices += 1
            }
        }

        /// The decimal number right after the last occurrence of `marker`, if any.
        private static func number(after marker: [UInt8], inReversed bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
            guard bytes.count >= marker.count else { return nil }
            var index = bytes.count - marker.count
            while index >= 0 {
                if bytes[index] == marker[0], bytes[index + marker.count - 1] == marker[marker.count - 1],
                    (1..<(marker.count - 1)).allSatisfy({ bytes[index + $0] == marker[$0] })
                {
                    var cursor = index + marker.count
                    var value: Int64 = 0
                    var digits = 0
                    while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 {
                        value = value * 10 + Int64(bytes[cursor] - 0x30)
                        cursor += 1
                        digits += 1
                    }
                    return digits > 0 ? value : nil
                }
                index -= 1
            }
            return nil
        }

        /// Answers a ping (client frames are masked; a zero mask keeps the payload as is).
        private func pong(_ descriptor: Int32, _ payload: [UInt8]) {
            guard payload.count < 126 else { return }
            try? Self.writeAll(descriptor, [0x8A, 0x80 | UInt8(payload.count), 0, 0, 0, 0] + payload)
        }

        private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) throws {
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count < 0, errno == EAGAIN || errno == EINTR { continue }
                guard count > 0 else { throw BenchError("send() failed: \(errno)") }
                sent += count
            }
        }

        private static func range(of marker: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
            guard bytes.count >= marker.count else { return nil }
            var index = bytes.startIndex
            while index <= bytes.endIndex - marker.count {
                if bytes[index] == marker[0] {
                    var matched = true
                    for offset in 1..<marker.count where bytes[index + offset] != marker[offset] {
                        matched = false
                        break
                    }
                    if matched { return index }
                }
                index += 1
            }
            return nil
        }

        /// The decimal number right after `marker`, if the marker occurs.
        static func number(after marker: [UInt8], in bytes: ArraySlice<UInt8>) -> Int64? {
            guard var index = range(of: marker, in: bytes).map({ $0 + marker.count }) else { return nil }
            var value: Int64 = 0
            var digits = 0
            while index < bytes.endIndex, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int64(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }

        static func wallClockNanoseconds() -> Int64 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        }
    }
}
