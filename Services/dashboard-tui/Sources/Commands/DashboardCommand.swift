import ArgumentParser
import EDMCore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dashboard-tui`: the live terminal dashboard over stats (history) and stream (live events).
public struct DashboardCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dashboard-tui",
        abstract: "Live terminal dashboard of the event system: totals, top buttons, devices, rates and a live feed.",
        discussion: """
            Loads history from the stats API, then follows the stream's WebSocket; each event is \
            counted once (live events stats already counted are left out). Reconnects with backoff \
            and reloads history after a reconnect.

            Keys: q quit, p pause the feed, f cycle the feed's type filter, r reload history, ? help.

            Plain text instead of the full-screen display when output is not a terminal; no colors \
            when NO_COLOR is set. Tokens are better given as variables than as options (options show \
            in the process list).

            Options win over config vars.

            \(DashboardConfiguration.variables.helpSection)
            """)

    @Option(name: .customLong("stats-url"), help: "Base URL of the stats API (DASHBOARD_STATS_URL).")
    var statsURL: String?

    @Option(name: .customLong("stream-url"), help: "WebSocket URL of the stream (DASHBOARD_STREAM_URL).")
    var streamURL: String?

    @Option(name: .customLong("stats-token"), help: "Bearer token for stats (DASHBOARD_STATS_TOKEN).")
    var statsToken: String?

    @Option(name: .customLong("stream-token"), help: "Bearer token for the stream (DASHBOARD_STREAM_TOKEN).")
    var streamToken: String?

    @Option(help: "Seconds between history reloads (DASHBOARD_REFRESH_SECONDS, default 30).")
    var refresh: Int?

    @Option(help: "Redraws per second at most (DASHBOARD_FPS, default 15).")
    var fps: Int?

    @Flag(help: "Print one frame as plain text and exit (non-zero when stats cannot be read).")
    var snapshot = false

    @Option(name: .customLong("snapshot-stream-seconds"), help: "With --snapshot: also follow the stream this many seconds first.")
    var snapshotStreamSeconds = 0

    @Option(help: "With --snapshot: columns (default: the terminal's, else 100).")
    var width: Int?

    @Option(help: "With --snapshot: rows (default: the terminal's, else 32).")
    var height: Int?

    public init() {}

    public func validate() throws {
        if let width, !(10...1000).contains(width) { throw ValidationError("--width must be in 10...1000") }
        if let height, !(3...1000).contains(height) { throw ValidationError("--height must be in 3...1000") }
        if !(0...3600).contains(snapshotStreamSeconds) { throw ValidationError("--snapshot-stream-seconds must be in 0...3600") }
    }

    public func run() async throws {
        let environment = ConfigVars.process
        let configuration = try CommandStartup.load("dashboard-tui", environment: environment, logging: .custom) {
            environment throws(ConfigError) in
            try DashboardConfiguration.resolve(
                environment, statsURL: statsURL, streamURL: streamURL, statsToken: statsToken, streamToken: streamToken,
                refreshSeconds: refresh, framesPerSecond: fps)
        }
        let fullScreen = !snapshot && TerminalSize.isTerminal(STDIN_FILENO) && TerminalSize.isTerminal(STDOUT_FILENO)
        Self.bootstrapLogging(environment, fullScreen: fullScreen)
        let logger = Logger(label: "dashboard-tui")
        if snapshot {
            let terminal = TerminalSize.of()
            let size = TerminalSize(columns: width ?? terminal?.columns ?? 100, rows: height ?? terminal?.rows ?? 32)
            do {
                let text = try await Snapshot(configuration: configuration, size: size, streamSeconds: snapshotStreamSeconds, logger: logger).render()
                print(text)
            } catch {
                FileHandle.standardError.write(Data("dashboard-tui: \(error.description)\n".utf8))
                throw ExitCode(69)  // EX_UNAVAILABLE
            }
            return
        }
        await DashboardApp(configuration: configuration, logger: logger).run()
    }

    /// Logs go to stderr, except while the dashboard owns the screen: then to DASHBOARD_LOG_FILE
    /// or nowhere (a log line would tear the display).
    static func bootstrapLogging(_ environment: ConfigVars, fullScreen: Bool) {
        guard fullScreen else {
            LogfmtLogHandler.bootstrap(environment: environment)
            return
        }
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let file = environment["DASHBOARD_LOG_FILE"].flatMap { path -> FileHandle? in
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            return handle
        }
        LoggingSystem.bootstrap { label in
            var handler = LogfmtLogHandler(label: label, sink: { line in file?.write(Data((line + "\n").utf8)) })
            handler.logLevel = file == nil ? .critical : level
            return handler
        }
    }
}
