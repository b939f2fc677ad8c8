import Foundation
import Hummingbird

/// A dependency the service needs to do useful work (broker, database), checked by `/ready`.
public struct ReadinessCheck: Sendable {
    public var name: String
    /// nil when ready; otherwise why not ("" when the name says it all).
    public var problem: @Sendable () async -> String?

    public init(name: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.problem = { await check() ? nil : "" }
    }

    /// A check whose failure carries a reason an operator needs (which partition, which offsets),
    /// shown in `/ready` as `name (reason)`.
    public init(name: String, problem: @escaping @Sendable () async -> String?) {
        self.name = name
        self.problem = problem
    }
}

/// `/health` (the process is alive), `/ready` (its dependencies answer: 200 or 503 naming what
/// is down) and `/metrics` (Prometheus text), identical on every service.
public enum OperationalRoutes {
    public static func add<Context: RequestContext>(
        to router: Router<Context>, service: String, readiness: [ReadinessCheck]
    ) {
        router.get("/health") { _, _ in
            jsonResponse(.ok, ["status": "ok", "service": service])
        }
        router.get("/ready") { _, _ in
            var failing: [String] = []
            for dependency in readiness {
                guard let problem = await dependency.problem() else { continue }
                failing.append(problem.isEmpty ? dependency.name : "\(dependency.name) (\(problem))")
            }
            if failing.isEmpty {
                return jsonResponse(.ok, ["status": "ready", "service": service])
            }
            return jsonResponse(
                .serviceUnavailable,
                ["status": "not_ready", "service": service, "unavailable": failing.joined(separator: ",")])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: PrometheusMetrics.render())))
        }
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
