import Hummingbird

/// `POST /v1/noop` (only with `--noop-route`): reads the body with the same checks as
/// `/v1/events`, then answers 202 without parsing or producing. It measures the HTTP stack and
/// middleware alone, the baseline the benchmark compares event ingestion with.
struct NoopRoute: Sendable {
    static let path = "/v1/noop"

    let reader: RequestBodyReader

    func add(to router: Router<RelayRequestContext>) {
        router.post(RouterPath(Self.path)) { request, _ in
            _ = try await reader.read(request)
            return AcceptedResponse.make(ids: [])
        }
    }
}
