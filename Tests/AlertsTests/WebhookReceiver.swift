import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TestSupport

/// A real HTTP receiver for the webhook tests, on a free port of 127.0.0.1: answers
/// `failStatus` (503 unless told) to the first `failFirst` requests (and to every request while
/// `down`), 200 after, and records each request's `Idempotency-Key` and the id in its body.
final class WebhookReceiver: Sendable {
    struct Request: Sendable, Equatable {
        var key: String?
        var bodyID: String?
        var status: Int
    }

    private struct State {
        var failuresLeft: Int
        var down: Bool
        var requests: [Request] = []
    }

    /// What the route handler and the test share (a class: a Mutex cannot be captured).
    private final class Shared: Sendable {
        let state: Mutex<State>
        let port = Atomic<Int>(0)

        init(_ state: State) {
            self.state = Mutex(state)
        }
    }

    private let shared: Shared
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(failFirst: Int = 0, failStatus: Int = 503, down: Bool = false) async throws {
        let shared = Shared(State(failuresLeft: failFirst, down: down))
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            let fail = shared.state.withLock { state -> Bool in
                let fail = state.down || state.failuresLeft > 0
                if state.failuresLeft > 0 { state.failuresLeft -= 1 }
                state.requests.append(
                    Request(
                        key: request.headers[HTTPField.Name("Idempotency-Key")!], bodyID: json?["id"] as? String,
                        status: fail ? failStatus : 200))
                return fail
            }
            return Response(status: fail ? .init(code: failStatus) : .ok)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in shared.port.store(channel.localAddress?.port ?? 0, ordering: .relaxed) },
            logger: logger)
        self.shared = shared
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        self.group = group
        task = Task { try await group.run() }
        try await waitUntil("the webhook receiver listens") { shared.port.load(ordering: .relaxed) != 0 }
    }

    var url: String { "http://127.0.0.1:\(shared.port.load(ordering: .relaxed))/hook" }

    var requests: [Request] { shared.state.withLock { $0.requests } }

    /// Ids the receiver accepted (200), in order.
    var accepted: [String] { requests.filter { $0.status == 200 }.compactMap(\.bodyID) }

    func setDown(_ down: Bool) {
        shared.state.withLock { $0.down = down }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
