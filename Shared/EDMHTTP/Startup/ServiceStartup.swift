import ArgumentParser
import EDMCore

/// The start-up path of every HTTP service: ``CommandStartup`` (config vars, logging, exit 78
/// naming the variable), then metrics, so that every metric the service creates afterwards is
/// recorded in the registry `/metrics` renders.
public enum ServiceStartup {
    public static func load<Configuration>(
        _ executable: String, environment: ConfigVars = .process,
        _ read: (ConfigVars) throws(ConfigError) -> Configuration
    ) throws(ExitCode) -> Configuration {
        let configuration = try CommandStartup.load(executable, environment: environment, read)
        PrometheusMetrics.bootstrap()
        return configuration
    }
}
