import AsyncHTTPClient
import EDMStatsAPI
import Foundation

/// Finds out why the stream refused a WebSocket upgrade. The WebSocket client only reports
/// "upgrade failed", but the stream answers a refused upgrade with its real status and JSON
/// error (401 bad token, 503 starting up or full, 400 bad parameters), so the same request is
/// repeated over plain HTTP to read that answer.
enum UpgradeProbe {
    static func reason(url: String, token: String?, client: HTTPClient = .shared) async -> LinkFailure {
        let fallback = LinkFailure("WebSocket upgrade refused")
        guard var components = URLComponents(string: url) else { return fallback }
        let secure = components.scheme == "wss"
        components.scheme = secure ? "https" : "http"
        guard let httpURL = components.string else { return fallback }
        var request = HTTPClientRequest(url: httpURL)
        request.headers.add(name: "Connection", value: "Upgrade")
        request.headers.add(name: "Upgrade", value: "websocket")
        request.headers.add(name: "Sec-WebSocket-Version", value: "13")
        request.headers.add(name: "Sec-WebSocket-Key", value: Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            let response = try await client.execute(request, timeout: .seconds(3))
            let status = Int(response.status.code)
            guard status >= 400 else { return fallback }
            let body = try await response.body.collect(upTo: 64 * 1024)
            let message = (try? JSONDecoder().decode(ErrorDocument.self, from: Data(body.readableBytesView)))?.error.message
            return LinkFailure("HTTP \(status)" + (message.map { ": \($0)" } ?? ""), permanent: [400, 401, 403, 404].contains(status))
        } catch {
            return fallback
        }
    }
}
