import Foundation
import EDMCore

/// How to reach the Kafka cluster: brokers, TLS material and the multi-tenant prefix.
/// Built from Heroku's config vars, or by hand for tests and the local broker.
public struct KafkaConnection: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        case plaintext
        /// TLS with PEM strings handed to librdkafka in memory (never written to disk).
        /// `trustedCertificates` may hold several CAs (Heroku rotates with two at once).
        case tls(trustedCertificates: String?, clientCertificate: String?, clientKey: String?,
                 verifyHostname: Bool)
    }

    /// `host:port` pairs.
    public var bootstrapServers: [String]
    public var security: Security
    /// KAFKA_PREFIX on multi-tenant plans. Names are built from it by `EDMEvents.KafkaNames`,
    /// the one place that prefixes topics and groups.
    public var prefix: String

    public init(bootstrapServers: [String], security: Security = .plaintext, prefix: String = "") {
        self.bootstrapServers = bootstrapServers
        self.security = security
        self.prefix = prefix
    }

    /// Reads KAFKA_URL, KAFKA_TRUSTED_CERT, KAFKA_CLIENT_CERT, KAFKA_CLIENT_CERT_KEY, KAFKA_PREFIX
    /// and KAFKA_SSL_VERIFY_HOSTNAME. Every error names the variable at fault.
    ///
    /// Hostname checks: with KAFKA_TRUSTED_CERT (Heroku's own CA, whose broker certificates carry
    /// no hostnames) they are off unless KAFKA_SSL_VERIFY_HOSTNAME=true; without it the broker is
    /// verified against the system's CAs, hostname included, unless KAFKA_SSL_VERIFY_HOSTNAME=false.
    public static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> KafkaConnection {
        let url = try environment.required("KAFKA_URL")
        let (servers, wantsTLS) = try parseBrokerList(url, variable: "KAFKA_URL")
        let prefix = environment["KAFKA_PREFIX"]?.trimmingWhitespace ?? ""
        guard wantsTLS else {
            return KafkaConnection(bootstrapServers: servers, security: .plaintext, prefix: prefix)
        }
        let trusted = try environment["KAFKA_TRUSTED_CERT"].map { pem throws(ConfigError) in
            try validatePEM(pem, variable: "KAFKA_TRUSTED_CERT", marker: "CERTIFICATE")
        }
        let certificate = try environment["KAFKA_CLIENT_CERT"].map { pem throws(ConfigError) in
            try validatePEM(pem, variable: "KAFKA_CLIENT_CERT", marker: "CERTIFICATE")
        }
        let key = try environment["KAFKA_CLIENT_CERT_KEY"].map { pem throws(ConfigError) in
            try validatePEM(pem, variable: "KAFKA_CLIENT_CERT_KEY", marker: "PRIVATE KEY")
        }
        switch (certificate, key) {
        case (.some, nil): throw .missing(variable: "KAFKA_CLIENT_CERT_KEY")
        case (nil, .some): throw .missing(variable: "KAFKA_CLIENT_CERT")
        default: break
        }
        let verify = try environment.boolean("KAFKA_SSL_VERIFY_HOSTNAME", default: trusted == nil)
        return KafkaConnection(
            bootstrapServers: servers,
            security: .tls(
                trustedCertificates: trusted, clientCertificate: certificate, clientKey: key,
                verifyHostname: verify),
            prefix: prefix)
    }

    /// Parses `kafka+ssl://h:p,kafka+ssl://h2:p`, `kafka://h:p` or bare `h:p` lists.
    /// Returns the servers and whether TLS is wanted; mixing schemes is an error.
    static func parseBrokerList(_ raw: String, variable: String) throws(ConfigError) -> ([String], Bool) {
        var servers: [String] = []
        var schemes = Set<Bool>()
        for entry in raw.split(separator: ",").map({ String($0).trimmingWhitespace }) where !entry.isEmpty {
            var rest = entry
            var tls = false
            if let range = entry.range(of: "://") {
                let scheme = entry[..<range.lowerBound].lowercased()
                switch scheme {
                case "kafka+ssl", "ssl": tls = true
                case "kafka", "plaintext": tls = false
                default:
                    throw .invalid(
                        variable: variable,
                        reason: "unknown scheme \(scheme.debugDescription) (expected kafka+ssl:// or kafka://)")
                }
                rest = String(entry[range.upperBound...])
            }
            if rest.hasSuffix("/") { rest.removeLast() }
            guard let colon = rest.lastIndex(of: ":"), colon != rest.startIndex,
                let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw .invalid(variable: variable, reason: "\(entry.debugDescription) is not host:port")
            }
            servers.append(rest)
            schemes.insert(tls)
        }
        guard !servers.isEmpty else {
            throw .invalid(variable: variable, reason: "no broker address found")
        }
        guard schemes.count == 1 else {
            throw .invalid(variable: variable, reason: "mixes TLS and plaintext brokers")
        }
        return (servers, schemes.first!)
    }

    /// Checks the PEM framing (not the cryptography: librdkafka does that when the client
    /// starts and its error is reported against the same variable).
    static func validatePEM(_ pem: String, variable: String, marker: String) throws(ConfigError) -> String {
        let normalized = pem.replacingOccurrences(of: "\\n", with: "\n")
        guard normalized.contains("-----BEGIN "), normalized.contains(marker + "-----"),
            normalized.contains("-----END ")
        else {
            throw .invalid(variable: variable, reason: "expected a PEM block (-----BEGIN ...\(marker)-----)")
        }
        return normalized
    }

    /// The number of PEM certificates in a bundle, for logs ("2 trusted CAs").
    public static func certificateCount(in pem: String) -> Int {
        pem.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1
    }
}
