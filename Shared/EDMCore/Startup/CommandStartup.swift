import ArgumentParser
import Foundation
import Logging

/// The one start-up path of every executable: read the config vars, bootstrap logging once, and
/// turn a configuration error into one line naming the variable and exit status 78 (EX_CONFIG)
/// instead of a stack trace.
public enum CommandStartup {
    /// Exit status for a configuration error (sysexits' EX_CONFIG).
    public static let configErrorStatus: Int32 = 78

    /// How the executable logs.
    public enum LoggingBootstrap: Sendable {
        /// logfmt to stderr at `LOG_LEVEL`.
        case standardError
        /// The caller bootstraps logging itself, after reading its configuration (the dashboard
        /// owns the screen).
        case custom
    }

    /// Reads the configuration with `read`, after bootstrapping logging. A configuration error
    /// is written to stderr (`<executable>: configuration error: VAR is ...`) and becomes
    /// `ExitCode(78)`.
    public static func load<Configuration>(
        _ executable: String, environment: ConfigVars = .process, logging: LoggingBootstrap = .standardError,
        metadataProvider: Logger.MetadataProvider? = nil,
        _ read: (ConfigVars) throws(ConfigError) -> Configuration
    ) throws(ExitCode) -> Configuration {
        if case .standardError = logging {
            LogfmtLogHandler.bootstrap(environment: environment, metadataProvider: metadataProvider)
        }
        do {
            return try read(environment)
        } catch {
            LogfmtLogHandler.standardError("\(executable): \(error.description)")
            throw ExitCode(configErrorStatus)
        }
    }
}
