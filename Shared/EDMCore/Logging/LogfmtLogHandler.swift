import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one logfmt line per record (`ts=… level=… msg=… key=value`),
/// the format Heroku's log drains and most log tools parse without configuration.
public struct LogfmtLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    /// Metadata of the task's context (trace ids) added to every line; explicit metadata wins.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: @Sendable (String) -> Void

    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil,
        sink: @escaping @Sendable (String) -> Void = LogfmtLogHandler.standardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    /// Writes to file descriptor 2 with a single write(2), so lines from threads never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            _ = write(2, buffer.baseAddress, buffer.count)
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let extra = event.metadata {
            merged.merge(extra) { _, new in new }
        }
        sink(Self.format(
            timestamp: Date(), level: event.level, label: label, message: "\(event.message)",
            metadata: merged))
    }

    /// Formats one line; keys are sorted so output is stable and greppable.
    public static func format(
        timestamp: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> String {
        var parts = [
            "ts=\(timestampStyle.format(timestamp))",
            "level=\(level.rawValue)",
            "logger=\(quote(label))",
            "msg=\(quote(message))",
        ]
        for key in metadata.keys.sorted() {
            parts.append("\(sanitizeKey(key))=\(quote(render(metadata[key]!)))")
        }
        return parts.joined(separator: " ")
    }

    /// Quotes a value when logfmt requires it (spaces, quotes, `=`, control characters, empty).
    public static func quote(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains {
            $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F
        }
        guard needsQuotes else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + String(format: "%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func sanitizeKey(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map {
            $0 == " " || $0 == "=" || $0 == "\"" || $0.value < 0x20 ? "_" : Character($0)
        })
        return cleaned.isEmpty ? "_" : cleaned
    }

    private static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let array): "[" + array.map(render).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            "{" + dictionary.keys.sorted().map { "\($0):\(render(dictionary[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension LogfmtLogHandler {
    /// Installs logfmt logging for the process; `LOG_LEVEL` (trace…critical) sets the level.
    /// `metadataProvider` adds metadata of the current task to every line (the HTTP services'
    /// trace ids).
    public static func bootstrap(environment: ConfigVars = .process, metadataProvider: Logger.MetadataProvider? = nil) {
        let level = environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        bootstrapOnce {
            LoggingSystem.bootstrap { label in
                var handler = LogfmtLogHandler(label: label, metadataProvider: metadataProvider)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// swift-log traps on a second bootstrap; every start-up path goes through here, so the
    /// first one wins and later ones (tests running several commands in one process) do nothing.
    public static func bootstrapOnce(_ bootstrap: () -> Void) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first { bootstrap() }
    }

    private static let bootstrapped = Mutex(false)
}
