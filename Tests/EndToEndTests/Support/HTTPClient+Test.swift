import AsyncHTTPClient
import EDMEvents
import Foundation
import NIOCore

/// Small request helpers over AsyncHTTPClient: status and body, JSON in and out.
extension HTTPClient {
    struct Reply {
        var status: Int
        var body: Data
        var json: JSONValue? { try? JSONValue.parse(body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func get(_ url: String) async throws -> Reply {
        try await send(HTTPClientRequest(url: url))
    }

    func postJSON(_ url: String, _ body: String, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: Int(response.status.code), body: Data(body.readableBytesView))
    }
}
