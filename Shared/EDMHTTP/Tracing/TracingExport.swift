import EDMCore
import EDMTracing
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// Span export over OTLP/HTTP (swift-otel), switched on by `OTEL_EXPORTER_OTLP_ENDPOINT` (or
/// its traces-only variant). Without it no tracer is bootstrapped: the services then run with
/// swift-distributed-tracing's `NoOpTracer` and only carry trace context along (headers, logs).
/// swift-otel reads the standard `OTEL_*` variables itself (protocol, headers, timeout, batch
/// sizes, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`); `StandardConfigVariables.tracing` lists them.
public enum TracingExport {
    /// The exporter's background service once bootstrapped; ``ServiceRunner`` runs it.
    static let service = Mutex<(any Service)?>(nil)

    /// Bootstraps the OTLP tracer when an endpoint is configured; a second call does nothing.
    /// - Throws: `ConfigError` naming the variable swift-otel refused (e.g. a gRPC protocol,
    ///   which this build leaves out).
    public static func bootstrap(serviceName: String, environment: ConfigVars) throws(ConfigError) {
        let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
        guard let endpoint, !endpoint.isEmpty else { return }
        guard service.withLock({ $0 == nil }) else { return }
        // swift-otel stops the process (fatalError) on a protocol this build leaves out, so
        // refuse it here with a configuration error instead.
        for variable in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            guard let value = environment[variable] else { continue }
            guard ["http/protobuf", "http/json"].contains(value) else {
                throw ConfigError.invalid(
                    variable: variable, reason: "must be http/protobuf or http/json (OTLP/gRPC is not built in), got '\(value)'")
            }
            break
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        // swift-otel's own messages (export failures, overrides) go to our logfmt log.
        var diagnostics = Logger(label: "otel")
        diagnostics.logLevel = .warning
        configuration.diagnosticLogger = .custom(diagnostics)
        configuration.diagnosticLogLevel = .warning
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        do {
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            InstrumentationSystem.bootstrap(backend.factory)
            service.withLock { $0 = backend.service }
        } catch {
            throw ConfigError.invalid(variable: "OTEL_EXPORTER_OTLP_PROTOCOL", reason: "tracing export cannot start: \(error)")
        }
    }

    /// The exporter service to run first (so it stops last and flushes every span), if any.
    public static var services: [any Service] {
        service.withLock { $0.map { [$0] } ?? [] }
    }
}
