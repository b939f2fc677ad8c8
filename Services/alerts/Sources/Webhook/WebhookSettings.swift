import EDMCore
import Foundation

/// The optional webhook sink's settings (`ALERT_WEBHOOK_*`): where every published alert is
/// POSTed, how many may wait, and how delivery is retried.
public struct WebhookSettings: Sendable, Equatable {
    /// An http(s) URL with a host.
    public var url: String
    /// Alerts waiting at most (the one being delivered included); when full the oldest is dropped.
    public var queueLimit = 1_000
    /// Per request, connection included.
    public var requestTimeout: Duration = .seconds(5)
    /// The first retry's delay; each failure doubles it up to ``maxBackoff`` (with jitter).
    public var initialBackoff: Duration = .milliseconds(500)
    public var maxBackoff: Duration = .seconds(30)
    /// How long SIGTERM waits for the queue to drain before dropping what is left.
    public var shutdownGrace: Duration = .seconds(10)

    public init(url: String) {
        self.url = url
    }

    /// nil when `ALERT_WEBHOOK_URL` is unset: no webhook.
    static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> WebhookSettings? {
        guard let raw = environment["ALERT_WEBHOOK_URL"]?.trimmingWhitespace else { return nil }
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), components.host?.isEmpty == false
        else {
            throw .invalid(
                variable: "ALERT_WEBHOOK_URL",
                reason: "expected an http(s) URL such as https://hooks.example.com/alerts, got \(raw.debugDescription)")
        }
        var settings = WebhookSettings(url: raw)
        settings.queueLimit = try environment.integer("ALERT_WEBHOOK_QUEUE_LIMIT", default: 1_000, range: 1...1_000_000)
        settings.requestTimeout = .milliseconds(
            try environment.integer("ALERT_WEBHOOK_TIMEOUT_MS", default: 5_000, range: 100...120_000))
        settings.initialBackoff = .milliseconds(
            try environment.integer("ALERT_WEBHOOK_BACKOFF_MS", default: 500, range: 10...60_000))
        settings.maxBackoff = .milliseconds(
            try environment.integer("ALERT_WEBHOOK_MAX_BACKOFF_MS", default: 30_000, range: 10...600_000))
        guard settings.maxBackoff >= settings.initialBackoff else {
            throw .invalid(variable: "ALERT_WEBHOOK_MAX_BACKOFF_MS", reason: "must be at least ALERT_WEBHOOK_BACKOFF_MS")
        }
        settings.shutdownGrace = .seconds(
            try environment.integer("ALERT_WEBHOOK_SHUTDOWN_GRACE_SECONDS", default: 10, range: 0...300))
        return settings
    }

    static let variables: [ConfigVariable] = [
        ConfigVariable(
            "ALERT_WEBHOOK_URL",
            "http(s) URL every published alert (and resolve) is POSTed to as JSON; unset: no webhook."),
        ConfigVariable("ALERT_WEBHOOK_QUEUE_LIMIT", default: "1000", "Alerts waiting for the webhook; when full the oldest is dropped."),
        ConfigVariable("ALERT_WEBHOOK_TIMEOUT_MS", default: "5000", "Webhook request timeout."),
        ConfigVariable("ALERT_WEBHOOK_BACKOFF_MS", default: "500", "First webhook retry delay (doubles per failure, with jitter)."),
        ConfigVariable("ALERT_WEBHOOK_MAX_BACKOFF_MS", default: "30000", "Longest webhook retry delay."),
        ConfigVariable(
            "ALERT_WEBHOOK_SHUTDOWN_GRACE_SECONDS", default: "10", "How long SIGTERM waits for the webhook queue to drain."),
    ]
}
