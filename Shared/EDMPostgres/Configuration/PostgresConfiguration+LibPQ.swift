extension PostgresConfiguration {
    /// Keyword/value pairs for `PQconnectdbParams`: passing values separately means no
    /// conninfo quoting rules to get wrong for passwords with spaces or quotes.
    var libpqParameters: [(keyword: String, value: String)] {
        var parameters: [(String, String)] = []
        for (keyword, value) in options.sorted(by: { $0.key < $1.key }) {
            parameters.append((keyword, value))
        }
        if let host { parameters.append(("host", host)) }
        parameters.append(("port", String(port)))
        if let user { parameters.append(("user", user)) }
        if let password { parameters.append(("password", password)) }
        if let database { parameters.append(("dbname", database)) }
        if let sslMode { parameters.append(("sslmode", sslMode.rawValue)) }
        if let applicationName { parameters.append(("application_name", applicationName)) }
        let seconds = connectTimeout.components.seconds + (connectTimeout.components.attoseconds > 0 ? 1 : 0)
        parameters.append(("connect_timeout", String(max(seconds, 1))))
        // Swift strings are UTF-8; make the server convert, whatever the database encoding.
        parameters.append(("client_encoding", "UTF8"))
        return parameters
    }
}
