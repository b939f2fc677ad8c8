import EDMHTTP
import Foundation
import Hummingbird
import Testing

@testable import RelayService

@Suite("Request body limits")
struct RequestBodyReaderTests {
    static func request(contentLength: String? = nil, body: RequestBody) -> Request {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let contentLength { headers[.contentLength] = contentLength }
        return Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "relay", path: "/v1/events", headerFields: headers),
            body: body)
    }

    static func chunks(_ count: Int, of size: Int) -> RequestBody {
        RequestBody(asyncSequence: AsyncStream<ByteBuffer> { continuation in
            for _ in 0..<count { continuation.yield(ByteBuffer(repeating: UInt8(ascii: " "), count: size)) }
            continuation.finish()
        })
    }

    @Test("a body without Content-Length is stopped at the limit while reading")
    func streamedOverLimit() async throws {
        let reader = RequestBodyReader(maxBytes: 100)
        await #expect {
            _ = try await reader.read(Self.request(body: Self.chunks(10, of: 30)))
        } throws: { error in
            (error as? APIError)?.status == .contentTooLarge
        }
    }

    @Test("a Content-Length that understates the body does not get past the limit")
    func lyingContentLength() async throws {
        let reader = RequestBodyReader(maxBytes: 100)
        await #expect {
            _ = try await reader.read(Self.request(contentLength: "10", body: Self.chunks(5, of: 30)))
        } throws: { error in
            (error as? APIError)?.status == .contentTooLarge
        }
    }

    @Test("a declared Content-Length over the limit is refused before reading")
    func declaredOverLimit() async throws {
        let reader = RequestBodyReader(maxBytes: 100)
        await #expect {
            _ = try await reader.read(Self.request(contentLength: "101", body: Self.chunks(0, of: 0)))
        } throws: { error in
            (error as? APIError)?.status == .contentTooLarge
        }
    }

    @Test("a body within the limit is read whole, across chunks")
    func withinLimit() async throws {
        let reader = RequestBodyReader(maxBytes: 100)
        let body = try await reader.read(Self.request(body: Self.chunks(4, of: 25)))
        #expect(body.count == 100)
    }

    @Test("content types", arguments: [
        ("application/json", true), ("Application/JSON; charset=utf-8", true), ("application/vnd.edm+json", true),
        ("text/plain", false), ("application/jsonp", false), ("multipart/form-data; boundary=x", false),
    ])
    func contentTypes(_ contentType: String, _ accepted: Bool) {
        #expect(((try? RequestBodyReader.requireJSON(contentType)) != nil) == accepted)
    }
}
