import EDMCore
import EDMEvents
import EDMHTTP

/// Which event types each token may read.
///
/// - `STREAM_TOKENS=team-token:signup+order_paid,ops-token`: `team-token` reads only `signup`
///   and `order_paid` (the relay's `API_KEYS` syntax, one parser: ``TypeScopeEntries``); tokens
///   without `:` read every type.
/// - `STREAM_PUBLIC_TOKENS=pub-token`: a read-only class for public consumers (tokens that may
///   be shipped in a web page): they read only the `STREAM_PUBLIC_TYPES`, and at most
///   `STREAM_MAX_CLIENTS_PER_PUBLIC_ADDRESS` connections per token and client address.
public struct StreamAccess: Sendable {
    /// Every accepted token (scoped, unrestricted and public), for the bearer middleware.
    public let tokens: BearerTokens
    /// The types each restricted token may read; tokens not listed read every type.
    let scopes: [String: Set<String>]
    let publicTokens: Set<String>
    public let publicTypes: Set<String>

    public init(tokens: [String] = [], scopes: [String: Set<String>] = [:], publicTokens: Set<String> = [], publicTypes: Set<String> = []) {
        self.tokens = BearerTokens(tokens + publicTokens.sorted())
        self.scopes = scopes
        self.publicTokens = publicTokens
        self.publicTypes = publicTypes
    }

    /// The types `token` may read; nil: every type (unrestricted token, or an open stream).
    func scope(of token: String?) -> Set<String>? {
        guard let token else { return nil }
        if publicTokens.contains(token) { return publicTypes }
        return scopes[token]
    }

    func isPublic(_ token: String?) -> Bool {
        token.map(publicTokens.contains) ?? false
    }

    /// Reads `STREAM_TOKENS`, `STREAM_PUBLIC_TOKENS` and `STREAM_PUBLIC_TYPES`; errors name the
    /// variable (never a token).
    static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> StreamAccess {
        let (tokens, scopes) = try TypeScopeEntries.parse(environment.list("STREAM_TOKENS"), variable: "STREAM_TOKENS", noun: "TOKEN")
        let publicTokens = Set(environment.list("STREAM_PUBLIC_TOKENS"))
        if publicTokens.contains(where: { tokens.contains($0) }) {
            throw .invalid(variable: "STREAM_PUBLIC_TOKENS", reason: "a public token is also listed in STREAM_TOKENS")
        }
        let publicTypes = environment.list("STREAM_PUBLIC_TYPES")
        for type in publicTypes where TypeRegistration.nameProblem(type) != nil {
            throw .invalid(variable: "STREAM_PUBLIC_TYPES", reason: "\(type.debugDescription) is not a type name")
        }
        if !publicTokens.isEmpty, publicTypes.isEmpty {
            throw .invalid(variable: "STREAM_PUBLIC_TYPES", reason: "STREAM_PUBLIC_TOKENS is set: list the types public tokens may read")
        }
        return StreamAccess(tokens: tokens, scopes: scopes, publicTokens: publicTokens, publicTypes: Set(publicTypes))
    }
}
