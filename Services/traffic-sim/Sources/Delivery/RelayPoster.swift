import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Posts storefront events to a relay over HTTP, one request per event like a browser would.
///
/// v1 events carry their own id, so a 503 (broker not acknowledging), a 429 or a lost
/// connection is retried with the same id and stats counts it once. Legacy events have no id
/// (the relay assigns one), so they are never retried: a retry could count twice.
public struct RelayPoster: Sendable {
    public var relayURL: String
    public var apiKey: String?
    public var timeout: TimeAmount
    public var maxAttempts: Int
    private let client: HTTPClient

    public init(client: HTTPClient, relayURL: String, apiKey: String?, timeout: TimeAmount = .seconds(10), maxAttempts: Int = 4) {
        self.client = client
        self.relayURL = relayURL.hasSuffix("/") ? String(relayURL.dropLast()) : relayURL
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxAttempts = max(1, maxAttempts)
    }

    /// Posts `event`; returns once the relay accepted or refused it, or retries ran out.
    /// `retries` counts the extra attempts made.
    public func post(_ event: StorefrontEvent) async -> (outcome: PostOutcome, retries: Int) {
        let attempts = event.legacy ? 1 : maxAttempts
        var attempt = 0
        while true {
            switch await postOnce(event) {
            case .done(let outcome):
                return (outcome, attempt)
            case .retry(let reason, let retryAfterSeconds):
                attempt += 1
                guard attempt < attempts, !Task.isCancelled else { return (.failed(reason: reason), attempt - 1) }
                // Honour Retry-After, capped so a simulator never stalls for long.
                let backoff = retryAfterSeconds.map { min($0 * 1000, 2000) } ?? (100 << min(attempt, 4))
                try? await Task.sleep(for: .milliseconds(backoff))
            }
        }
    }

    private enum Attempt {
        case done(PostOutcome)
        case retry(reason: String, retryAfterSeconds: Int?)
    }

    private func postOnce(_ event: StorefrontEvent) async -> Attempt {
        let legacy = event.legacy ? event.kind.legacyPath.flatMap { path in EventBody.legacy(event).map { (path, $0) } } : nil
        let path = legacy?.0 ?? "/v1/events"
        var request = HTTPClientRequest(url: relayURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "edm-traffic-sim")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let body = legacy?.1 ?? EventBody.v1(event)
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let answer = try await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            switch status {
            case 200, 202:
                return .done(.accepted)
            case 429, 502, 503, 504:
                let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
                return .retry(reason: "HTTP \(status)", retryAfterSeconds: retryAfter)
            default:
                return .done(.refused(status: status, message: String(buffer: answer)))
            }
        } catch {
            return .retry(reason: String(describing: error), retryAfterSeconds: nil)
        }
    }
}
