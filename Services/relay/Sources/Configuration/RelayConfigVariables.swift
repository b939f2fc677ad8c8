import Foundation

/// One config var the relay reads, described for `--help` and the README.
public struct ConfigVariable: Sendable, Hashable {
    public var name: String
    /// Shown as the default; nil for variables without one (required or optional secrets).
    public var defaultValue: String?
    public var summary: String

    public init(_ name: String, default defaultValue: String? = nil, _ summary: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

/// Every config var the relay reads, in one list, so `--help` cannot fall out of step with
/// `RelayConfiguration.fromEnvironment` (a test checks each name appears in both).
public enum RelayConfigVariables {
    public static let all: [ConfigVariable] = [
        ConfigVariable("PORT", default: "8080", "HTTP port to listen on (Heroku sets it; 0 picks a free port)."),
        ConfigVariable("HOST", default: "0.0.0.0", "Interface to listen on."),
        ConfigVariable(
            "KAFKA_URL",
            "Required. Comma list of brokers: kafka+ssl://host:port (TLS), kafka://host:port or host:port."),
        ConfigVariable("KAFKA_TRUSTED_CERT", "PEM CA certificate(s) for TLS brokers (two during a rotation)."),
        ConfigVariable("KAFKA_CLIENT_CERT", "PEM client certificate for TLS brokers."),
        ConfigVariable("KAFKA_CLIENT_CERT_KEY", "PEM private key of KAFKA_CLIENT_CERT."),
        ConfigVariable(
            "KAFKA_SSL_VERIFY_HOSTNAME", default: "false",
            "Check the broker certificate's hostname (Heroku's certificates carry none)."),
        ConfigVariable(
            "KAFKA_PREFIX", default: "", "Multi-tenant prefix put before every topic name (e.g. columbia-12345.)."),
        ConfigVariable(
            "API_KEYS",
            "Comma list of accepted API keys (Authorization: Bearer <key>); several at once for rotation. "
                + "Empty: the relay runs open and logs a warning."),
        ConfigVariable(
            "LEGACY_ROUTES_OPEN", default: "false",
            "true: /produceClickMessage and /producePageLoad accept requests without a key, so the "
                + "reference storefront's browser code works unchanged while API_KEYS protects /v1/events."),
        ConfigVariable(
            "CORS_ALLOWED_ORIGINS",
            "Comma list of browser origins allowed to post (https://shop.example.com), or * for any. "
                + "Empty: no CORS headers, browsers on other origins are refused."),
        ConfigVariable(
            "MAX_BODY_BYTES", default: String(IngestLimits.default.maxBodyBytes),
            "Largest request body accepted; larger bodies get 413."),
        ConfigVariable(
            "MAX_BATCH_EVENTS", default: String(IngestLimits.default.maxBatchEvents),
            "Most events in one POST /v1/events batch; more get 413."),
        ConfigVariable(
            "ACK_TIMEOUT_MS", default: "5000",
            "How long a request waits for the broker to acknowledge its events before answering 503 "
                + "(the producer's message timeout; a full local queue adds at most 1 s)."),
        ConfigVariable(
            "KAFKA_LINGER_MS", default: "1",
            "How long the producer gathers messages into one broker request; it adds to every answer's "
                + "latency, and concurrent requests share broker requests anyway."),
        ConfigVariable(
            "RATE_LIMIT_PER_MINUTE", default: "0",
            "Event POSTs allowed per minute per API key (per client address when no key is sent); "
                + "over it: 429. 0 turns the limit off."),
        ConfigVariable(
            "RATE_LIMIT_BURST", default: "RATE_LIMIT_PER_MINUTE/6",
            "Requests a client may send at once before the per-minute rate applies."),
        ConfigVariable("LOG_LEVEL", default: "info", "trace, debug, info, notice, warning, error or critical."),
    ]

    /// The `--help` section listing every variable with its default.
    public static var helpText: String {
        let width = all.map(\.name.count).max() ?? 0
        return all.map { variable in
            let name = variable.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let defaultText = variable.defaultValue.map { " (default: \($0.isEmpty ? "none" : $0))" } ?? ""
            return "  \(name)  \(variable.summary)\(defaultText)"
        }.joined(separator: "\n")
    }
}
