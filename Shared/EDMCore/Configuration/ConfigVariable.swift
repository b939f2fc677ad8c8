/// One config var an executable reads, described for `--help` and the README.
public struct ConfigVariable: Sendable, Hashable {
    public var name: String
    /// Shown as the default; nil for variables without one (required, or optional secrets).
    public var defaultValue: String?
    public var summary: String

    public init(_ name: String, default defaultValue: String? = nil, _ summary: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

extension [ConfigVariable] {
    /// The `CONFIG VARS:` section of every executable's `--help`: a line per variable starting
    /// with its name (two spaces in), the summary in an aligned column wrapped with a hanging
    /// indent, the default last. Lines stay within 78 columns so ArgumentParser, which wraps
    /// at the terminal's width (80 when unknown), never breaks them again.
    public var helpSection: String {
        let width = Swift.min(map(\.name.count).max() ?? 0, 28)
        let column = 2 + width + 2
        let lines = flatMap { variable -> [String] in
            let defaultText = variable.defaultValue.map { " (default: \($0.isEmpty ? "none" : $0))" } ?? ""
            let text = variable.summary + defaultText
            let name = "  " + variable.name.padding(toLength: Swift.max(width, variable.name.count), withPad: " ", startingAt: 0)
            var wrapped = ConfigHelpWrapping.wrap(text, width: Swift.max(78 - column, 30))
            if name.count + 2 > column {
                wrapped.insert("", at: 0)
            }
            return wrapped.enumerated().map { index, line in
                index == 0 ? (name + "  " + line).trailingSpacesRemoved : String(repeating: " ", count: column) + line
            }
        }
        return (["CONFIG VARS:"] + lines).joined(separator: "\n")
    }
}

enum ConfigHelpWrapping {
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        lines.append(line)
        return lines
    }
}

extension String {
    fileprivate var trailingSpacesRemoved: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// Config vars that several executables read, described once.
public enum StandardConfigVariables {
    public static let kafka: [ConfigVariable] = [
        ConfigVariable(
            "KAFKA_URL",
            "Required. Comma list of brokers: kafka+ssl://host:port (TLS), kafka://host:port or host:port."),
        ConfigVariable("KAFKA_TRUSTED_CERT", "PEM CA certificate(s) for TLS brokers (two during a rotation)."),
        ConfigVariable("KAFKA_CLIENT_CERT", "PEM client certificate for TLS brokers."),
        ConfigVariable("KAFKA_CLIENT_CERT_KEY", "PEM private key of KAFKA_CLIENT_CERT."),
        ConfigVariable(
            "KAFKA_SSL_VERIFY_HOSTNAME", default: "true without KAFKA_TRUSTED_CERT, else false",
            "Check the broker certificate's hostname (Heroku's own CA issues certificates without)."),
        ConfigVariable(
            "KAFKA_PREFIX", default: "", "Multi-tenant prefix put before every topic and group name (e.g. columbia-12345.)."),
    ]

    /// `PORT` and `HOST` as every HTTP service reads them.
    public static func listen(defaultPort: Int) -> [ConfigVariable] {
        [
            ConfigVariable("PORT", default: String(defaultPort), "HTTP port to listen on (Heroku sets it; 0 picks a free port)."),
            ConfigVariable("HOST", default: "0.0.0.0", "Interface to listen on."),
        ]
    }

    /// Span export (OTLP/HTTP), read by the HTTP services; unset means no spans are recorded.
    public static let tracing: [ConfigVariable] = [
        ConfigVariable(
            "OTEL_EXPORTER_OTLP_ENDPOINT", default: "",
            "OTLP/HTTP collector base URL (e.g. http://localhost:4318); set, spans go to its /v1/traces."),
        ConfigVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", default: "", "Full traces URL; overrides the base URL."),
        ConfigVariable("OTEL_EXPORTER_OTLP_PROTOCOL", default: "http/protobuf", "http/protobuf or http/json."),
        ConfigVariable("OTEL_SERVICE_NAME", default: "the executable's name", "service.name of every span."),
    ]

    public static let logLevel = ConfigVariable(
        "LOG_LEVEL", default: "info", "trace, debug, info, notice, warning, error or critical.")
}
