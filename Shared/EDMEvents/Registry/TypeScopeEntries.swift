import EDMCore

/// Credentials limited to event types, one syntax for relay keys (`API_KEYS`) and stream tokens
/// (`STREAM_TOKENS`): `team-key:signup+order_paid,ops-key` limits `team-key` to `signup` and
/// `order_paid`; an entry without `:` is unrestricted.
public enum TypeScopeEntries {
    /// Splits `entries` into the bare credentials (for the bearer check) and the types of each
    /// restricted one.
    /// - Parameter noun: what the credential is called in errors (`KEY`, `TOKEN`).
    /// - Throws: naming `variable` and the entry's position (never the credential) for an empty
    ///   scope or a malformed type name.
    public static func parse(
        _ entries: [String], variable: String, noun: String = "KEY"
    ) throws(ConfigError) -> (credentials: [String], scopes: [String: Set<String>]) {
        var credentials: [String] = []
        var scopes: [String: Set<String>] = [:]
        for (position, entry) in entries.enumerated() {
            guard let colon = entry.firstIndex(of: ":") else {
                credentials.append(entry)
                continue
            }
            let credential = String(entry[..<colon])
            let types = entry[entry.index(after: colon)...].split(separator: "+").map(String.init)
            guard !credential.isEmpty, !types.isEmpty else {
                throw .invalid(variable: variable, reason: "entry \(position + 1) is not \(noun) or \(noun):type+type")
            }
            for type in types where TypeRegistration.nameProblem(type) != nil {
                throw .invalid(variable: variable, reason: "entry \(position + 1) names the type \(type.debugDescription): not a type name")
            }
            credentials.append(credential)
            scopes[credential, default: []].formUnion(types)
        }
        return (credentials, scopes)
    }
}
