import EDMEvents
import Foundation
import HummingbirdTesting
import Testing

@testable import RelayService

@Suite("Legacy routes of the reference relay")
struct LegacyRouteTests {
    @Test("the reference storefront's click and pageload payloads are accepted")
    func accepted() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let click = try await client.post("/produceClickMessage", Payloads.legacyClick().text)
            #expect(click.status == .accepted, "\(click.text)")
            #expect(click.acceptedIDs.count == 1)
            let pageload = try await client.post("/producePageLoad", Payloads.legacyPageLoad().text)
            #expect(pageload.status == .accepted, "\(pageload.text)")
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 1)
        #expect(try await harness.storedCount(harness.topic(PageLoadProperties.self)) == 1)
    }

    @Test("the route decides the type: a click payload on the pageload route is refused")
    func routeDecidesType() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let response = try await client.post("/producePageLoad", Payloads.legacyClick().text)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorPaths.contains("topic"))
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 0)
    }

    @Test("violations use the legacy keys the client sent")
    func legacyPaths() async throws {
        let harness = try RelayHarness()
        let payload: JSONValue = ["topic": "edm-ui-click", "uuid": "u-1", "event_timestamp": "soon", "properties": [:]]
        try await harness.run { client in
            let response = try await client.post("/produceClickMessage", payload.text)
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.errorPaths) == ["event_timestamp", "properties.button_id"])
            let array = try await client.post("/produceClickMessage", "[\(Payloads.legacyClick().text)]")
            #expect(array.status == .unprocessableContent)
            let malformed = try await client.post("/produceClickMessage", #"{"topic": 'edm-ui-click'}"#)
            #expect(malformed.status == .badRequest)
        }
    }
}
