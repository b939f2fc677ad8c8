import EDMCore

/// Everything needed to open connections, parsed once at startup so a bad `DATABASE_URL` stops the
/// process with a message naming the variable instead of failing on the first query.
public struct PostgresConfiguration: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Host name, IP address, or a unix socket directory (a path starting with `/`); nil lets
    /// libpq use its default socket.
    public var host: String?
    public var port: Int
    public var user: String?
    public var password: String?
    /// nil lets the server default to the user name, as libpq does.
    public var database: String?
    /// nil keeps libpq's default (`prefer`: SSL when the server offers it). Heroku Postgres
    /// requires SSL, so set `?sslmode=require` there to fail loudly instead of silently.
    public var sslMode: SSLMode?
    /// Shown in `pg_stat_activity` and server logs, so operators can tell processes apart.
    public var applicationName: String?
    /// Any other libpq connection keywords from the URL's query string (validated against the
    /// keywords this libpq knows, so typos fail at startup).
    public var options: [String: String]
    /// Upper bound on connections a `PostgresPool` opens; Heroku plans cap connections per
    /// database, so this is a budget to share between dynos.
    public var poolSize: Int
    /// How long opening one connection may take (libpq rounds to whole seconds, minimum 2).
    public var connectTimeout: Duration
    /// How long `PostgresPool` waits for a free connection before throwing `.poolTimeout`, so
    /// an overloaded process sheds work instead of queueing forever.
    public var acquireTimeout: Duration

    public static let defaultPort = 5432
    public static let defaultPoolSize = 10
    public static let defaultConnectTimeout: Duration = .seconds(10)
    public static let defaultAcquireTimeout: Duration = .seconds(10)

    public init(
        host: String? = nil, port: Int = PostgresConfiguration.defaultPort, user: String? = nil,
        password: String? = nil, database: String? = nil, sslMode: SSLMode? = nil,
        applicationName: String? = nil, options: [String: String] = [:],
        poolSize: Int = PostgresConfiguration.defaultPoolSize,
        connectTimeout: Duration = PostgresConfiguration.defaultConnectTimeout,
        acquireTimeout: Duration = PostgresConfiguration.defaultAcquireTimeout
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.applicationName = applicationName
        self.options = options
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.acquireTimeout = acquireTimeout
    }

    /// Parses a `postgres://` or `postgresql://` URL (the `DATABASE_URL` format Heroku uses).
    /// Errors name `variable` and never repeat any part of the URL, since it may hold a password.
    public init(url: String, variable: String = "DATABASE_URL") throws(ConfigError) {
        self.init()
        do {
            try DatabaseURLParser.parse(url, into: &self)
        } catch let error {
            throw .invalid(variable: variable, reason: error.reason)
        }
    }

    /// Reads `DATABASE_URL` (required), `DATABASE_POOL_SIZE` (optional, 1...1000),
    /// `DATABASE_CONNECT_TIMEOUT` and `DATABASE_POOL_TIMEOUT` (optional, whole seconds).
    public static func fromEnvironment(_ env: ConfigVars) throws(ConfigError) -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: env.required("DATABASE_URL"))
        configuration.poolSize = try env.integer(
            "DATABASE_POOL_SIZE", default: defaultPoolSize, range: 1...1000)
        if env["DATABASE_CONNECT_TIMEOUT"] != nil {
            configuration.connectTimeout = .seconds(
                try env.integer("DATABASE_CONNECT_TIMEOUT", default: 10, range: 1...3600))
        }
        configuration.acquireTimeout = .seconds(
            try env.integer("DATABASE_POOL_TIMEOUT", default: 10, range: 1...3600))
        return configuration
    }

    /// Safe to log: the password and every secret-bearing libpq option (``LibPQKeywords/secret``:
    /// sslpassword, sslkey, ...) are replaced by `***`.
    public var description: String {
        var text = "postgres://"
        if let user { text += user + (password == nil ? "" : ":***") + "@" }
        if let host { text += host.contains(":") ? "[\(host)]" : host }
        text += ":\(port)/\(database ?? "")"
        var query: [String] = []
        if let sslMode { query.append("sslmode=\(sslMode.rawValue)") }
        if let applicationName { query.append("application_name=\(applicationName)") }
        query += options.keys.sorted().map { "\($0)=\(LibPQKeywords.secret.contains($0) ? "***" : options[$0]!)" }
        if !query.isEmpty { text += "?" + query.joined(separator: "&") }
        return text + " (pool \(poolSize))"
    }

    /// The same redacted text, so `String(reflecting:)` and `dump`-style logging cannot leak either.
    public var debugDescription: String { description }
}

/// libpq's `sslmode` values.
public enum SSLMode: String, Sendable, CaseIterable {
    case disable, allow, prefer, require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"
}
