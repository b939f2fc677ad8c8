import EDMEvents
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket upgrade request over a plain socket, for reading how the stream refuses one
/// (AsyncHTTPClient does not send upgrade requests). One request per connection; the answer is
/// read until the server closes or the body is complete.
enum RefusedUpgrade {
    struct Answer: Sendable {
        var status: Int
        var body: String
        var json: JSONValue? { try? JSONValue.parse(Data(body.utf8)) }
    }

    static func request(port: Int, path: String) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingRequest(port: port, path: path) })
            }
        }
    }

    private static func blockingRequest(port: Int, path: String) throws -> Answer {
        let descriptor = try LoopbackSocket.connect(port: port, .init(receiveTimeoutSeconds: 10))
        defer { Glibc.close(descriptor) }
        let request = Array((
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").utf8)
        var sent = 0
        while sent < request.count {
            let result = request[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            guard result > 0 else { throw EndToEndError("send() failed: \(errno)") }
            sent += result
        }
        var received: [UInt8] = []
        while true {
            if let answer = parse(received) { return answer }
            var chunk = [UInt8](repeating: 0, count: 16_384)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 {
                guard let answer = parse(received, complete: true) else { throw EndToEndError("no complete answer (\(errno))") }
                return answer
            }
            received += chunk[0..<count]
        }
    }

    /// The answer once its head and `content-length` bytes of body arrived (or the connection ended).
    private static func parse(_ bytes: [UInt8], complete: Bool = false) -> Answer? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let status = head.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        let length = head.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
        let body = String(text[end.upperBound...])
        guard complete || status == 101 || body.utf8.count >= (length ?? Int.max) else { return nil }
        return Answer(status: status, body: body)
    }
}
