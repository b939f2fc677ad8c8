import ArgumentParser
import EDMCore
import EDMTracing

/// The start-up path of every HTTP service: ``CommandStartup`` (config vars, logging with trace
/// ids on every line, exit 78 naming the variable), then metrics, so that every metric the
/// service creates afterwards is recorded in the registry `/metrics` renders, then span export
/// when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (``TracingExport``).
public enum ServiceStartup {
    public static func load<Configuration>(
        _ executable: String, environment: ConfigVars = .process,
        _ read: (ConfigVars) throws(ConfigError) -> Configuration
    ) throws(ExitCode) -> Configuration {
        let configuration = try CommandStartup.load(
            executable, environment: environment, metadataProvider: TraceLogMetadata.provider, read)
        PrometheusMetrics.bootstrap()
        do {
            try TracingExport.bootstrap(serviceName: executable, environment: environment)
        } catch {
            LogfmtLogHandler.standardError("\(executable): \(error.description)")
            throw ExitCode(CommandStartup.configErrorStatus)
        }
        return configuration
    }
}
