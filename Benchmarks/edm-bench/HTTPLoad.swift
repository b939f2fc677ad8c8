import TestSupport
import EDMCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP/1.1 load generator: keep-alive connections driven by poll(2) from one
/// dedicated thread (never the cooperative pool), so the client costs one core at most and
/// the server, not the client, is what the figures measure.
enum HTTPLoad {
    struct Outcome: Sendable {
        var completed = 0
        var statuses: [Int: Int] = [:]
        /// Seconds per request: send to last response byte (closed loop) or scheduled send time to
        /// last response byte (open loop, so a stalled server is charged for the queue it causes).
        var latencies: [Double] = []
        var elapsed: Double = 0

        var perSecond: Double { Double(completed) / elapsed }
        var failures: Int { statuses.filter { $0.key != 202 }.values.reduce(0, +) }
    }

    /// `connections` clients each send the next request as soon as the previous answer arrived,
    /// for `duration` or until `limit` requests completed. Requests are taken round-robin.
    static func closedLoop(
        port: Int, connections: Int, requests: [[UInt8]], duration: Duration? = nil, limit: Int? = nil
    ) async throws -> Outcome {
        try await onThread {
            var driver = try Driver(port: port, connections: connections)
            return try driver.closedLoop(requests: requests, duration: duration, limit: limit)
        }
    }

    /// Sends `rate` requests per second for `duration` on up to `connections` connections.
    static func openLoop(
        port: Int, connections: Int, request: [UInt8], rate: Int, duration: Duration
    ) async throws -> Outcome {
        try await onThread {
            var driver = try Driver(port: port, connections: connections)
            return try driver.openLoop(request: request, rate: rate, duration: duration)
        }
    }

    /// The bytes of a `POST` with a JSON body.
    static func post(_ path: String, body: [UInt8]) -> [UInt8] {
        Array(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                .utf8) + body
    }

    private static func onThread(_ work: @escaping @Sendable () throws -> Outcome) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.name = "bench-http-load"
            thread.start()
        }
    }
}

struct HTTPLoadError: Error, CustomStringConvertible {
    let description: String
}

/// The poll loop and its connections; lives on one thread.
private struct Driver {
    struct Connection {
        let fd: Int32
        var output: [UInt8] = []
        var written = 0
        var input: [UInt8] = []
        var startedAt: UInt64 = 0
        var busy = false
    }

    var connections: [Connection]
    var outcome = HTTPLoad.Outcome()

    init(port: Int, connections count: Int) throws {
        connections = try (0..<count).map { _ in Connection(fd: try Self.connect(port: port)) }
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(duration.nanoseconds)
    }

    mutating func closedLoop(requests: [[UInt8]], duration: Duration?, limit: Int?) throws -> HTTPLoad.Outcome {
        let started = Self.now()
        let deadline = duration.map { started + Self.nanoseconds($0) } ?? .max
        var issued = 0
        func more() -> Bool { Self.now() < deadline && issued < (limit ?? .max) }
        for index in connections.indices where more() {
            start(index, requests[issued % requests.count], at: Self.now())
            issued += 1
        }
        while connections.contains(where: \.busy) {
            for index in try pump(timeoutMilliseconds: 1000) where more() {
                start(index, requests[issued % requests.count], at: Self.now())
                issued += 1
            }
        }
        outcome.elapsed = Double(Self.now() - started) / 1e9
        closeAll()
        return outcome
    }

    mutating func openLoop(request: [UInt8], rate: Int, duration: Duration) throws -> HTTPLoad.Outcome {
        let started = Self.now()
        let interval = 1_000_000_000 / UInt64(rate)
        let total = Int(Self.nanoseconds(duration) / interval)
        var scheduled = 0
        var waiting: [UInt64] = []  // due send times not yet given to a connection
        while scheduled < total || !waiting.isEmpty || connections.contains(where: \.busy) {
            let now = Self.now()
            while scheduled < total, started + UInt64(scheduled) * interval <= now {
                waiting.append(started + UInt64(scheduled) * interval)
                scheduled += 1
            }
            for index in connections.indices where !connections[index].busy && !waiting.isEmpty {
                start(index, request, at: waiting.removeFirst())
            }
            let nextDue = scheduled < total ? started + UInt64(scheduled) * interval : now + 1_000_000_000
            let timeout = nextDue > now ? Int32(min(1000, (nextDue - now) / 1_000_000)) : 0
            _ = try pump(timeoutMilliseconds: timeout)
        }
        outcome.elapsed = Double(Self.now() - started) / 1e9
        closeAll()
        return outcome
    }

    private mutating func start(_ index: Int, _ request: [UInt8], at time: UInt64) {
        connections[index].output = request
        connections[index].written = 0
        connections[index].startedAt = time
        connections[index].busy = true
        flush(index)
    }

    private mutating func flush(_ index: Int) {
        while connections[index].written < connections[index].output.count {
            let sent = connections[index].output.withUnsafeBytes { buffer in
                send(
                    connections[index].fd, buffer.baseAddress! + connections[index].written,
                    buffer.count - connections[index].written, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return }  // EAGAIN: poll for POLLOUT
            connections[index].written += sent
        }
    }

    /// Waits for socket events, reads responses, and returns the connections that finished one.
    private mutating func pump(timeoutMilliseconds: Int32) throws -> [Int] {
        var descriptors = connections.map { connection in
            let writing = connection.busy && connection.written < connection.output.count
            return pollfd(fd: connection.fd, events: Int16(POLLIN) | (writing ? Int16(POLLOUT) : 0), revents: 0)
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), timeoutMilliseconds)
        guard ready >= 0 || errno == EINTR else { throw HTTPLoadError(description: "poll failed: errno \(errno)") }
        var finished: [Int] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        for index in descriptors.indices where descriptors[index].revents != 0 {
            if descriptors[index].revents & Int16(POLLOUT) != 0 { flush(index) }
            guard descriptors[index].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { recv(connections[index].fd, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno != EAGAIN) {
                throw HTTPLoadError(description: "the server closed a connection")
            }
            if count > 0 { connections[index].input += chunk[0..<count] }
            if let status = takeResponse(index) {
                outcome.completed += 1
                outcome.statuses[status, default: 0] += 1
                outcome.latencies.append(Double(Self.now() - connections[index].startedAt) / 1e9)
                connections[index].busy = false
                finished.append(index)
            }
        }
        return finished
    }

    /// Removes one complete response from the connection's input and returns its status.
    private mutating func takeResponse(_ index: Int) -> Int? {
        let input = connections[index].input
        guard let headerEnd = Self.find([13, 10, 13, 10], in: input) else { return nil }
        let head = String(decoding: input[0..<headerEnd], as: UTF8.self).lowercased()
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12,
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else { return nil }
        let length = lines.first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        let total = headerEnd + 4 + length
        guard input.count >= total else { return nil }
        connections[index].input.removeFirst(total)
        return status
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && Array(haystack[start..<start + needle.count]) == needle {
            return start
        }
        return nil
    }

    private func closeAll() {
        for connection in connections { close(connection.fd) }
    }

    private static func connect(port: Int) throws -> Int32 {
        try LoopbackSocket.connect(port: port, .init(noDelay: true, nonBlocking: true))
    }
}
