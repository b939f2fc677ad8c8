import EDMEvents
import Foundation
@testable import StatsService
import Testing

/// Query checks that must agree with the parameter schemas in `/openapi.json`.
@Suite("Query parameters as documented")
struct QueryParameterTests {
    static func parse(buttonId: String) throws(APIParameterError) -> TimeseriesQuery {
        try TimeseriesQuery.parse(
            [("type", "click"), ("bucket", "1m"), ("buttonId", buttonId)], registry: .standard, now: Date())
    }

    @Test("buttonId is limited in Unicode scalars, as the schema's maxLength counts")
    func buttonIdLength() throws {
        // A flag is one Character but two scalars: 101 flags are 202 scalars, over the limit.
        #expect(throws: APIParameterError.self) { try Self.parse(buttonId: String(repeating: "🇺🇸", count: 101)) }
        let longest = String(repeating: "🇺🇸", count: 100)
        #expect(try Self.parse(buttonId: longest).buttonId == longest)
        #expect(throws: APIParameterError.self) { try Self.parse(buttonId: "") }
    }
}
