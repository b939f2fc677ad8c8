import EDMCore
import EDMEvents
import EDMHTTP
import Hummingbird

/// API keys limited to event types: `API_KEYS=team-key:signup+order_paid,ops-key` lets
/// `team-key` post only `signup` and `order_paid` events (403 for any other type, the batch
/// refused whole) and `ops-key` post every type. Keys without `:` are unrestricted, as before.
public struct KeyScopes: Sendable {
    /// The types each restricted key may post; keys not listed may post any type.
    private let scopes: [String: Set<String>]

    public init(_ scopes: [String: Set<String>] = [:]) {
        self.scopes = scopes
    }

    public var isEmpty: Bool { scopes.isEmpty }

    /// Splits `API_KEYS` entries into the bare keys (for ``BearerTokens``) and their scopes.
    /// - Throws: naming `variable` (never the key) for an empty scope or a malformed type name.
    public static func parse(_ entries: [String], variable: String) throws(ConfigError) -> (keys: [String], scopes: KeyScopes) {
        let (keys, scopes) = try TypeScopeEntries.parse(entries, variable: variable, noun: "KEY")
        return (keys, KeyScopes(scopes))
    }

    /// Refuses (403) a request whose key is limited to types and that carries an event of another
    /// type; `types` are the request's event types in order. Requests without a key (open routes)
    /// and unrestricted keys pass.
    func check(_ request: Request, types: [String]) throws(APIError) {
        guard !scopes.isEmpty, let key = BearerAuthMiddleware<RelayRequestContext>.token(in: request, allowQuery: false),
            let allowed = scopes[key]
        else { return }
        let refused = types.enumerated().filter { !allowed.contains($0.element) }
        guard !refused.isEmpty else { return }
        let batch = types.count > 1
        throw APIError(
            .forbidden, code: "type_not_allowed",
            message: "this key may post only " + allowed.sorted().joined(separator: ", ") + " events; the request has "
                + Set(refused.map(\.element)).sorted().joined(separator: ", "),
            details: refused.map { index, type in
                APIError.Detail(path: batch ? "[\(index)].type" : "type", message: "\(type) is not allowed for this key", code: "type_not_allowed")
            })
    }
}
