import EDMCore
import EDMHTTP
import EDMTracing
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
import Tracing

@Suite("Trace context on requests")
struct TraceContextTests {
    static let caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    /// A route answering with the trace context the request runs in.
    static func app() -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: TraceContextMiddleware())
        router.get("/trace") { _, _ -> String in
            let context = ServiceContext.current
            return (context?.eventTrace?.header ?? "none") + " " + (context?.eventTraceState ?? "none")
        }
        return Application(router: router)
    }

    static func trace(_ headers: HTTPFields) async throws -> (TraceParent?, String) {
        try await app().test(.router) { client in
            try await client.execute(uri: "/trace", method: .get, headers: headers) { response in
                let parts = String(buffer: response.body).split(separator: " ").map(String.init)
                return (TraceParent(header: parts[0]), parts[1])
            }
        }
    }

    @Test("a valid traceparent is continued with a span id of this hop; its tracestate is kept")
    func continued() async throws {
        let (trace, state) = try await Self.trace([
            HTTPField.Name("traceparent")!: Self.caller, HTTPField.Name("tracestate")!: "congo=t61rcWkgMzE",
        ])
        let caller = try #require(TraceParent(header: Self.caller))
        #expect(trace?.traceID == caller.traceID)
        #expect(trace?.spanID != caller.spanID)
        #expect(state == "congo=t61rcWkgMzE")
    }

    @Test("no traceparent, or an invalid one, starts a new trace and drops the tracestate")
    func started() async throws {
        let (none, _) = try await Self.trace([:])
        let (invalid, state) = try await Self.trace([
            HTTPField.Name("traceparent")!: "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            HTTPField.Name("tracestate")!: "congo=t61rcWkgMzE",
        ])
        #expect(none != nil)
        #expect(invalid != nil)
        #expect(invalid?.traceID != "0af7651916cd43dd8448eb211c80319c")
        #expect(none?.traceID != invalid?.traceID)
        #expect(state == "none")
    }

    @Test("export needs an endpoint; a protocol this build lacks is a configuration error naming its variable")
    func exportConfiguration() throws {
        try TracingExport.bootstrap(serviceName: "test", environment: ConfigVars(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]))
        #expect(TracingExport.services.isEmpty)
        for variable in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] {
            #expect {
                try TracingExport.bootstrap(
                    serviceName: "test", environment: ConfigVars(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", variable: "grpc"]))
            } throws: { error in
                (error as? ConfigError)?.variable == variable
            }
        }
        #expect(TracingExport.services.isEmpty)
    }
}
