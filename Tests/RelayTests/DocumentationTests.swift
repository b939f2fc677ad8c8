import EDMEvents
import Foundation
import HummingbirdTesting
import Testing

@testable import RelayService

@Suite("Schemas, OpenAPI document and operational routes")
struct DocumentationTests {
    @Test("GET /v1/schemas serves the request and envelope schema of every type")
    func schemas() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let response = try await client.get("/v1/schemas")
            #expect(response.status == .ok)
            let document = try response.json
            for kind in EventRegistry.standard.kinds {
                for form in EventForm.allCases {
                    #expect(document[kind.eventType]?[form.rawValue] == EventSchemas.document(for: kind, form: form))
                }
            }
        }
    }

    @Test("the legacy schema is derived from the v1 rules with the legacy names")
    func legacySchema() {
        let click = LegacySchema.document(for: ClickProperties.self)
        #expect(click["properties"]?["properties"]?["required"] == ["button_id"])
        #expect(click["properties"]?["properties"]?["properties"]?["button_id"]?["maxLength"] == 200)
        let pageload = LegacySchema.document(for: PageLoadProperties.self)
        #expect(pageload["properties"]?["properties"]?["required"] == ["url", "user_agent"])
        #expect(pageload["properties"]?["topic"]?["const"] == "edm-ui-pageload")
    }

    @Test("/health and /metrics answer; /metrics has the relay's series after traffic")
    func metrics() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            #expect(try await client.get("/health").status == .ok)
            _ = try await client.post("/v1/events", Payloads.click().text)
            _ = try await client.post("/v1/events", #"{"type": "click"}"#)
            _ = try await client.post("/v1/events", "{")
            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            let text = response.text
            for expected in [
                #"http_server_requests_total{http_route="/v1/events",http_request_method="POST",http_response_status_code="202"}"#,
                #"http_server_requests_total{http_route="/v1/events",http_request_method="POST",http_response_status_code="422"}"#,
                #"relay_events_accepted_total{type="click"}"#,
                #"relay_events_rejected_total{type="click",reason="invalid"}"#,
                #"relay_events_rejected_total{type="unknown",reason="malformed_json"}"#,
                "relay_produce_duration_seconds_bucket",
                "relay_producer_queue_depth",
            ] {
                #expect(text.contains(expected), "missing \(expected)")
            }
        }
    }
}
