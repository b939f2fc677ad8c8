import EDMCore
import EDMHTTP
import Hummingbird
import HummingbirdCore
import Testing

@testable import StreamService

@Suite("Scoped and public stream tokens")
struct ScopeTests {
    @Test("STREAM_TOKENS entries TOKEN:type+type limit a token; public tokens read STREAM_PUBLIC_TYPES")
    func parsing() throws {
        let access = try StreamAccess.fromEnvironment(ConfigVars([
            "STREAM_TOKENS": "team:signup+order_paid, ops", "STREAM_PUBLIC_TOKENS": "pub", "STREAM_PUBLIC_TYPES": "pageload,signup",
        ]))
        #expect(access.scope(of: "team") == ["signup", "order_paid"])
        #expect(access.scope(of: "ops") == nil)
        #expect(access.scope(of: "pub") == ["pageload", "signup"])
        #expect(access.isPublic("pub") && !access.isPublic("team"))
        #expect(access.tokens.accepts("team") && access.tokens.accepts("ops") && access.tokens.accepts("pub"))
        #expect(!access.tokens.accepts("team:signup+order_paid"))
        for bad in [
            ["STREAM_TOKENS": "team:"], ["STREAM_TOKENS": ":signup"], ["STREAM_TOKENS": "team:Sign Up"],
            ["STREAM_PUBLIC_TOKENS": "pub"], ["STREAM_TOKENS": "pub", "STREAM_PUBLIC_TOKENS": "pub", "STREAM_PUBLIC_TYPES": "click"],
        ] {
            #expect(throws: ConfigError.self, "\(bad)") { try StreamAccess.fromEnvironment(ConfigVars(bad)) }
        }
    }

    @Test("a scoped token: 403 type_not_allowed for other types, its own types without types=")
    func queries() throws {
        func query(_ text: String) throws(APIError) -> StreamQuery {
            try StreamQuery(
                parameters: URI("/v1/stream?\(text)").queryParameters, maxLast: 100, registry: SignupType.registry(),
                scope: ["signup"])
        }
        #expect(try query("").filter.types == ["signup"])
        #expect(try query("types=signup").filter.types == ["signup"])
        #expect(try query("where=properties.plan:pro").filter.types == ["signup"])
        do {
            _ = try query("types=signup,click")
            Issue.record("expected 403")
        } catch {
            #expect(error.status == .forbidden)
            #expect(error.code == "type_not_allowed")
            #expect(error.details.map(\.message) == ["click is not allowed for this token"])
        }
    }
}
