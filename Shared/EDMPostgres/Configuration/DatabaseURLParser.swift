import CLibPQ

/// Hand-written so every failure can be described without echoing the URL (Foundation's URL
/// parser would also accept things libpq rejects, and vice versa).
enum DatabaseURLParser {
    struct Failure: Error {
        let reason: String
    }

    static func parse(_ url: String, into configuration: inout PostgresConfiguration) throws(Failure) {
        let text = url.trimmingWhitespace
        guard let schemeEnd = text.range(of: "://") else {
            throw Failure(reason: "expected a postgres:// or postgresql:// URL")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw Failure(reason: "expected a postgres:// or postgresql:// URL")
        }
        var rest = text[schemeEnd.upperBound...]
        if rest.contains("#") {
            throw Failure(reason: "a URL fragment (#...) is not allowed; percent-encode '#' as %23")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var hostPort = rest
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            hostPort = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                configuration.user = try decode(userInfo[..<colon], "user name")
                configuration.password = try decode(userInfo[userInfo.index(after: colon)...], "password")
            } else {
                configuration.user = try decode(userInfo, "user name")
            }
            if configuration.user == "" { configuration.user = nil }
        }
        try parseHostPort(hostPort, into: &configuration)
        if !path.isEmpty {
            if path.contains("/") { throw Failure(reason: "the database name must not contain '/'") }
            configuration.database = try decode(path, "database name")
        }
        try parseQuery(query, into: &configuration)
    }

    private static func parseHostPort(_ text: Substring, into configuration: inout PostgresConfiguration) throws(Failure) {
        if text.contains(",") {
            throw Failure(reason: "multiple hosts are not supported")
        }
        var host: Substring = text
        var port: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw Failure(reason: "an IPv6 host is missing its closing ']'")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Failure(reason: "unexpected text after the IPv6 host") }
                port = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        if !host.isEmpty {
            configuration.host = try decode(host, "host")
        }
        if let port {
            configuration.port = try parsePort(port)
        }
    }

    private static func parsePort(_ text: Substring) throws(Failure) -> Int {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text),
            (1...65535).contains(port)
        else {
            throw Failure(reason: "the port must be a number in 1...65535")
        }
        return port
    }

    private static func parseQuery(_ query: Substring, into configuration: inout PostgresConfiguration) throws(Failure) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw Failure(reason: "a query parameter is missing '=value'")
            }
            let key = try decode(pair[..<equals], "query parameter name")
            let value = try decode(pair[pair.index(after: equals)...], "query parameter value")
            switch key {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw Failure(
                        reason: "sslmode must be one of "
                            + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                configuration.sslMode = mode
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw Failure(reason: "connect_timeout must be a positive number of seconds")
                }
                configuration.connectTimeout = .seconds(seconds)
            case "application_name":
                configuration.applicationName = value
            case "host":
                configuration.host = value.isEmpty ? nil : value
            case "port":
                configuration.port = try parsePort(Substring(value))
            case "user":
                configuration.user = value.isEmpty ? nil : value
            case "password":
                configuration.password = value
            case "dbname":
                configuration.database = value.isEmpty ? nil : value
            case "client_encoding":
                guard value.uppercased() == "UTF8" || value.uppercased() == "UTF-8" else {
                    throw Failure(reason: "client_encoding must be UTF8 (Swift strings are UTF-8)")
                }
            default:
                guard LibPQKeywords.known.contains(key) else {
                    throw Failure(reason: "the query string holds a parameter libpq does not know")
                }
                configuration.options[key] = value
            }
        }
    }

    /// Percent-decodes one component; `what` names it in the error, the text never appears.
    static func decode(_ text: Substring, _ what: String) throws(Failure) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw Failure(reason: "the \(what) has an invalid percent-escape")
            }
            bytes.append(high << 4 | low)
        }
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.utf8.elementsEqual(bytes) else {
            throw Failure(reason: "the \(what) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The connection keywords this libpq accepts (from `PQconndefaults`), read once.
enum LibPQKeywords {
    static let known: Set<String> = keywords { _ in true }

    /// Keywords whose value must never be logged: those libpq itself hides (display character
    /// `*`), plus the ones named here so an older libpq that marks fewer still hides them
    /// (`sslkey` names the client's private key; some deployments inline it).
    static let secret: Set<String> = keywords { $0 == "*" }.union(["password", "sslpassword", "sslkey"])

    private static func keywords(where display: (String) -> Bool) -> Set<String> {
        guard let options = PQconndefaults() else { return [] }
        defer { PQconninfoFree(options) }
        var keywords: Set<String> = []
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if display(cursor.pointee.dispchar.map { String(cString: $0) } ?? "") {
                keywords.insert(String(cString: keyword))
            }
            cursor += 1
        }
        return keywords
    }
}
