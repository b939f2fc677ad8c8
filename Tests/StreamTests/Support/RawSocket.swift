import EDMEvents
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP socket to 127.0.0.1 whose calls run on Dispatch threads (never on the two
/// threads of the cooperative pool). Used where a test needs control a WebSocket library does
/// not give: reading the status of a refused upgrade, or a client that stops reading with a
/// tiny receive buffer.
final class RawSocket: @unchecked Sendable {
    private let descriptor: Int32
    private var pending: [UInt8] = []

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        Glibc.close(descriptor)
    }

    /// - Parameter receiveBuffer: SO_RCVBUF set before connecting (disables autotuning), so
    ///   a client that does not read fills up after a few kilobytes.
    static func connect(port: Int, receiveBuffer: Int? = nil) async throws -> RawSocket {
        try await blocking {
            let descriptor = try LoopbackSocket.connect(
                port: port, .init(receiveBuffer: receiveBuffer, receiveTimeoutSeconds: 1))
            return RawSocket(descriptor: descriptor)
        }
    }

    func send(_ text: String) async throws {
        let bytes = Array(text.utf8)
        try await Self.blocking { [self] in
            var sent = 0
            while sent < bytes.count {
                let result = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
                guard result > 0 else { throw HarnessError("send() failed: \(errno)") }
                sent += result
            }
        }
    }

    /// Reads exactly `count` bytes, or throws when `deadline` passes or the peer closes.
    func read(_ count: Int, deadline: ContinuousClock.Instant) async throws -> [UInt8] {
        try await Self.blocking { [self] in
            while pending.count < count {
                guard ContinuousClock.now < deadline else { throw HarnessError("read timed out") }
                var chunk = [UInt8](repeating: 0, count: 65_536)
                let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if received == 0 { throw HarnessError("connection closed by the server") }
                if received < 0 {
                    if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                    throw HarnessError("recv() failed: \(errno)")
                }
                pending += chunk[0..<received]
            }
            let result = Array(pending[0..<count])
            pending.removeFirst(count)
            return result
        }
    }

    /// Reads up to and including the blank line ending an HTTP head, and nothing after it.
    func readHead(deadline: ContinuousClock.Instant) async throws -> String {
        var head: [UInt8] = []
        while !(head.count >= 4 && Array(head.suffix(4)) == Array("\r\n\r\n".utf8)) {
            head += try await read(1, deadline: deadline)
        }
        return String(decoding: head, as: UTF8.self)
    }

    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// Plain HTTP/1.1 requests over `RawSocket` (one request per connection).
enum RawHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var json: JSONValue? { try? JSONValue.parse(Data(body)) }
    }

    static let upgradeHeaders = [
        ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ]

    static func get(port: Int, path: String, headers: [(String, String)] = []) async throws -> Response {
        let socket = try await RawSocket.connect(port: port)
        let lines = ["GET \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)"] + headers.map { "\($0.0): \($0.1)" }
        try await socket.send(lines.joined(separator: "\r\n") + "\r\n\r\n")
        let deadline = ContinuousClock.now + .seconds(10)
        let (status, fields) = parseHead(try await socket.readHead(deadline: deadline))
        let length = Int(fields["content-length"] ?? "0") ?? 0
        let body = length > 0 ? try await socket.read(length, deadline: deadline) : []
        return Response(status: status, headers: fields, body: body)
    }

    /// A WebSocket upgrade request; for checking how refusals are answered.
    static func upgrade(port: Int, path: String, headers: [(String, String)] = []) async throws -> Response {
        try await get(port: port, path: path, headers: upgradeHeaders + headers)
    }

    static func parseHead(_ head: String) -> (Int, [String: String]) {
        let lines = head.components(separatedBy: "\r\n")
        let status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, fields)
    }
}

/// A WebSocket client on `RawSocket` that reads only when told to.
final class RawWebSocket: Sendable {
    enum Frame: Equatable {
        case text(String)
        case close(code: Int, reason: String)
        case other(opcode: UInt8)
    }


    let socket: RawSocket

    static func connect(port: Int, path: String, receiveBuffer: Int? = nil) async throws -> RawWebSocket {
        let socket = try await RawSocket.connect(port: port, receiveBuffer: receiveBuffer)
        let lines = ["GET \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)"] + RawHTTP.upgradeHeaders.map { "\($0.0): \($0.1)" }
        try await socket.send(lines.joined(separator: "\r\n") + "\r\n\r\n")
        let (status, _) = RawHTTP.parseHead(try await socket.readHead(deadline: ContinuousClock.now + .seconds(10)))
        guard status == 101 else { throw HarnessError("upgrade refused with \(status)") }
        return RawWebSocket(socket: socket)
    }

    private init(socket: RawSocket) {
        self.socket = socket
    }

    /// The next frame from the server (servers do not mask).
    func next(deadline: ContinuousClock.Instant) async throws -> Frame {
        let head = try await socket.read(2, deadline: deadline)
        var length = Int(head[1] & 0x7F)
        if length == 126 {
            length = try await socket.read(2, deadline: deadline).reduce(0) { $0 << 8 | Int($1) }
        } else if length == 127 {
            length = try await socket.read(8, deadline: deadline).reduce(0) { $0 << 8 | Int($1) }
        }
        let payload = length > 0 ? try await socket.read(length, deadline: deadline) : []
        switch head[0] & 0x0F {
        case 1: return .text(String(decoding: payload, as: UTF8.self))
        case 8:
            let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : 1005
            return .close(code: code, reason: String(decoding: payload.dropFirst(2), as: UTF8.self))
        case let opcode: return .other(opcode: opcode)
        }
    }
}

extension RawWebSocket.Frame {
    /// The `live` notice (which also carries a cursor) with this replay count.
    func isLiveNotice(replayed: Int64) -> Bool {
        guard case .text(let text) = self, let value = try? JSONValue.parse(text) else { return false }
        return value["kind"] == "live" && value["replayed"] == .integer(replayed) && value["cursor"]?.stringValue != nil
    }
}
