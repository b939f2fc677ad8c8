import AsyncHTTPClient
import Foundation
import NIOCore

/// Makes sure the relay knows the `signup` type before the simulator sends it: registers it
/// with an admin key (`RELAY_ADMIN_KEY`), or without one checks that someone else did.
struct TypeRegistrar: Sendable {
    let client: HTTPClient
    let relayURL: String
    let adminKey: String?

    struct Failure: Error, CustomStringConvertible {
        let description: String
        var retryable = false
    }

    /// Tries for about 30 s: a relay that just started may still be reading its registry (503).
    func ensureSignupRegistered(attempts: Int = 30) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await registerOnce()
            } catch {
                // Refusals are final; 5xx and transport errors (a relay still starting) are not.
                guard (error as? Failure)?.retryable ?? true, attempt < attempts else { throw error }
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    private func registerOnce() async throws {
        let base = relayURL.hasSuffix("/") ? String(relayURL.dropLast()) : relayURL
        let url = base + "/v1/schemas/" + SignupType.name
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let adminKey {
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(adminKey)")
            request.body = .bytes(ByteBuffer(string: SignupType.registration))
        }
        let response = try await client.execute(request, timeout: .seconds(15))
        let body = String(buffer: try await response.body.collect(upTo: 64 * 1024))
        switch (adminKey != nil, response.status.code) {
        case (true, 200), (true, 201), (false, 200):
            return
        case (_, 502), (_, 503), (_, 504):
            throw Failure(description: "the relay could not register the signup type yet: HTTP \(response.status.code): \(body.prefix(300))", retryable: true)
        case (false, 404):
            throw Failure(description: "the relay does not know the signup type: set RELAY_ADMIN_KEY to one of the relay's ADMIN_API_KEYS so traffic-sim registers it, or register it yourself (POST /v1/schemas/signup)")
        default:
            throw Failure(description: "registering the signup type at \(url) failed: HTTP \(response.status.code): \(body.prefix(300))")
        }
    }
}
