import EDMCore
import Foundation

/// Where the dashboard reads from and how it draws, from options and config vars (an option
/// wins over its variable). Every error names the option or variable at fault.
public struct DashboardConfiguration: Sendable, Equatable {
    /// Base URL of the stats API, e.g. `http://localhost:5002`.
    public var statsURL: String
    /// The stream's WebSocket URL, e.g. `ws://localhost:5003/v1/stream`.
    public var streamURL: String
    public var statsToken: String?
    public var streamToken: String?
    /// History is reloaded this often (and on reload requests).
    public var refreshSeconds: Int = 30
    /// Redraws per second at most.
    public var framesPerSecond: Int = 15
    /// NO_COLOR is set: no colors (attributes such as bold stay).
    public var noColor = false

    public static let defaultStatsURL = "http://localhost:5002"
    public static let defaultStreamURL = "ws://localhost:5003/v1/stream"

    public init(statsURL: String = defaultStatsURL, streamURL: String = defaultStreamURL) {
        self.statsURL = statsURL
        self.streamURL = streamURL
    }

    /// The variables, for `--help` (next to the reader so they cannot drift apart).
    public static let variables: [ConfigVariable] = [
        ConfigVariable("DASHBOARD_STATS_URL", default: defaultStatsURL, "Base URL of the stats API."),
        ConfigVariable(
            "DASHBOARD_STREAM_URL", default: defaultStreamURL,
            "WebSocket URL of the stream; http(s) is turned into ws(s), a bare host gets /v1/stream."),
        ConfigVariable("DASHBOARD_STATS_TOKEN", "Bearer token for stats."),
        ConfigVariable("DASHBOARD_STREAM_TOKEN", "Bearer token for the stream."),
        ConfigVariable("DASHBOARD_REFRESH_SECONDS", default: "30", "Reload history from stats this often (1...3600)."),
        ConfigVariable("DASHBOARD_FPS", default: "15", "Redraws per second at most (1...60)."),
        ConfigVariable("DASHBOARD_LOG_FILE", "Write logfmt logs here while the dashboard owns the screen."),
        ConfigVariable("NO_COLOR", "Set to anything: no colors."),
        StandardConfigVariables.logLevel,
    ]

    /// Reads the variables; `overrides` are option values (nil: not given).
    public static func resolve(
        _ environment: ConfigVars, statsURL: String? = nil, streamURL: String? = nil, statsToken: String? = nil,
        streamToken: String? = nil, refreshSeconds: Int? = nil, framesPerSecond: Int? = nil
    ) throws(ConfigError) -> DashboardConfiguration {
        let statsOption = try httpURL(statsURL, name: "--stats-url")
        let statsVariable = try httpURL(environment["DASHBOARD_STATS_URL"], name: "DASHBOARD_STATS_URL")
        let streamOption = try webSocketURL(streamURL, name: "--stream-url")
        let streamVariable = try webSocketURL(environment["DASHBOARD_STREAM_URL"], name: "DASHBOARD_STREAM_URL")
        var configuration = DashboardConfiguration(
            statsURL: statsOption ?? statsVariable ?? defaultStatsURL,
            streamURL: streamOption ?? streamVariable ?? defaultStreamURL)
        configuration.statsToken = statsToken ?? environment["DASHBOARD_STATS_TOKEN"]?.trimmingWhitespace
        configuration.streamToken = streamToken ?? environment["DASHBOARD_STREAM_TOKEN"]?.trimmingWhitespace
        let refreshVariable = try environment.integer("DASHBOARD_REFRESH_SECONDS", default: 30, range: 1...3600)
        configuration.refreshSeconds = try checked(refreshSeconds, name: "--refresh", range: 1...3600) ?? refreshVariable
        let framesVariable = try environment.integer("DASHBOARD_FPS", default: 15, range: 1...60)
        configuration.framesPerSecond = try checked(framesPerSecond, name: "--fps", range: 1...60) ?? framesVariable
        configuration.noColor = environment.values["NO_COLOR"].map { !$0.isEmpty } ?? false
        return configuration
    }

    static func checked(_ value: Int?, name: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value else { return nil }
        guard range.contains(value) else {
            throw .invalid(variable: name, reason: "expected a value in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    /// An http(s) base URL without a trailing slash.
    static func httpURL(_ raw: String?, name: String) throws(ConfigError) -> String? {
        guard let raw = raw?.trimmingWhitespace, !raw.isEmpty else { return nil }
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), components.host?.isEmpty == false
        else {
            throw .invalid(variable: name, reason: "expected an http(s) URL such as \(defaultStatsURL), got \(raw.debugDescription)")
        }
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }

    /// A ws(s) URL; http(s) is accepted and converted, and a URL without a path gets `/v1/stream`.
    static func webSocketURL(_ raw: String?, name: String) throws(ConfigError) -> String? {
        guard let raw = raw?.trimmingWhitespace, !raw.isEmpty else { return nil }
        guard var components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
            ["ws", "wss", "http", "https"].contains(scheme), components.host?.isEmpty == false
        else {
            throw .invalid(variable: name, reason: "expected a ws(s) URL such as \(defaultStreamURL), got \(raw.debugDescription)")
        }
        components.scheme = ["https", "wss"].contains(scheme) ? "wss" : "ws"
        if components.path.isEmpty || components.path == "/" { components.path = "/v1/stream" }
        guard let url = components.string else {
            throw .invalid(variable: name, reason: "cannot use \(raw.debugDescription) as a URL")
        }
        return url
    }
}
