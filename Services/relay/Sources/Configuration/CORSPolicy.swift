import EDMCore

/// Which browser origins may call the relay. Browsers enforce it; the relay only states it,
/// in preflight answers and on every response to a request that carries an allowed `Origin`.
public struct CORSPolicy: Sendable, Hashable {
    public enum Origins: Sendable, Hashable {
        case none
        case any
        /// Exact origins (`scheme://host[:port]`), compared case-insensitively.
        case list(Set<String>)
    }

    public var origins: Origins

    public init(origins: Origins) {
        self.origins = origins
    }

    /// No CORS headers: browsers refuse cross-origin calls.
    public static let disabled = CORSPolicy(origins: .none)

    /// Parses a comma list of origins or `*`.
    public init(environment: ConfigVars, variable: String) throws(ConfigError) {
        let entries = environment.list(variable)
        if entries.isEmpty {
            self = .disabled
        } else if entries == ["*"] {
            self.init(origins: .any)
        } else {
            var origins = Set<String>()
            for entry in entries {
                guard entry != "*" else {
                    throw .invalid(variable: variable, reason: "* must be the only entry")
                }
                guard let origin = Self.normalized(entry) else {
                    throw .invalid(
                        variable: variable,
                        reason: "\(entry.debugDescription) is not an origin (expected https://host[:port])")
                }
                origins.insert(origin)
            }
            self.init(origins: .list(origins))
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, nil when not allowed.
    public func allowedOrigin(for origin: String) -> String? {
        switch origins {
        case .none: return nil
        case .any: return "*"
        case .list(let allowed):
            guard let normalized = Self.normalized(origin), allowed.contains(normalized) else { return nil }
            return origin
        }
    }

    public var isEnabled: Bool { origins != .none }

    /// Lower-cased, without a trailing slash; nil unless it looks like `scheme://host`.
    static func normalized(_ origin: String) -> String? {
        var text = origin.trimmingWhitespace.lowercased()
        if text.hasSuffix("/") { text.removeLast() }
        guard let range = text.range(of: "://"), range.lowerBound != text.startIndex,
            range.upperBound != text.endIndex, !text[range.upperBound...].contains("/")
        else { return nil }
        return text
    }
}
