import EDMEvents
import EDMKafka
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import RelayService

@Suite("POST /v1/events status paths")
struct V1EventRouteTests {
    @Test("a valid event gets 202 with its id, and the id is the one stored")
    func singleAccepted() async throws {
        let harness = try RelayHarness()
        let id = UUID()
        try await harness.run { client in
            let response = try await client.post("/v1/events", Payloads.click(id: id).text)
            #expect(response.status == .accepted, "\(response.text)")
            #expect(response.acceptedIDs == [id.uuidString.lowercased()])
            #expect(try response.json["accepted"] == 1)
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 1)
    }

    @Test("an event without id gets one assigned")
    func idAssigned() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let response = try await client.post("/v1/events", Payloads.click().text)
            #expect(response.status == .accepted)
            #expect(response.acceptedIDs.count == 1)
            #expect(UUID(uuidString: response.acceptedIDs.first ?? "") != nil)
        }
    }

    @Test("a batch gets 202 with every id in order, each event on its type's topic")
    func batchAccepted() async throws {
        let harness = try RelayHarness()
        let ids = (0..<3).map { _ in UUID() }
        let batch: JSONValue = [Payloads.click(id: ids[0]), Payloads.click(id: ids[1]), Payloads.pageload()]
        try await harness.run { client in
            let response = try await client.post("/v1/events", batch.text)
            #expect(response.status == .accepted, "\(response.text)")
            #expect(Array(response.acceptedIDs.prefix(2)) == ids.prefix(2).map { $0.uuidString.lowercased() })
            #expect(response.acceptedIDs.count == 3)
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 2)
        #expect(try await harness.storedCount(harness.topic(PageLoadProperties.self)) == 1)
    }

    @Test("malformed JSON is a 400 naming the byte offset")
    func malformed() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let response = try await client.post("/v1/events", #"{"type": "click", "sessionId": }"#)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "malformed_json")
            let message = try response.json["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("at byte 31"), "\(message)")
        }
    }

    @Test("schema violations are a 422 listing every field")
    func violationsListed() async throws {
        let harness = try RelayHarness()
        let event: JSONValue = [
            "type": "click", "occurredAt": "yesterday", "sessionId": "",
            "properties": ["buttonId": 42, "color": "red"],
        ]
        try await harness.run { client in
            let response = try await client.post("/v1/events", event.text)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "invalid_event")
            let paths = Set(response.errorPaths)
            #expect(paths.isSuperset(of: ["occurredAt", "sessionId", "properties.buttonId", "properties.color"]), "\(paths)")
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 0)
    }

    @Test("one invalid event rejects the whole batch: paths carry the index, nothing is produced")
    func batchRejectedWhole() async throws {
        let harness = try RelayHarness()
        var bad = Payloads.click().objectValue ?? [:]
        bad["properties"] = ["description": "no button"]
        let batch: JSONValue = [Payloads.click(), Payloads.pageload(), Payloads.click(), .object(bad)]
        try await harness.run { client in
            let response = try await client.post("/v1/events", batch.text)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorPaths == ["[3].properties.buttonId"])
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 0)
        #expect(try await harness.storedCount(harness.topic(PageLoadProperties.self)) == 0)
    }

    @Test("an empty batch and a non-object event are 422")
    func emptyAndWrongShape() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let empty = try await client.post("/v1/events", "[]")
            #expect(empty.status == .unprocessableContent)
            let number = try await client.post("/v1/events", "42")
            #expect(number.status == .unprocessableContent)
            #expect(number.errorPaths == [""])
            let unknown = try await client.post("/v1/events", #"[{"type": "purchase"}]"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorPaths.contains("[0].type"))
        }
    }

    @Test("a body over MAX_BODY_BYTES is a 413 before anything is parsed")
    func bodyTooLarge() async throws {
        let harness = try RelayHarness { $0.limits.maxBodyBytes = 2048 }
        let batch = JSONValue.array((0..<20).map { _ in Payloads.click() })
        try await harness.run { client in
            let response = try await client.post("/v1/events", batch.text)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
        }
    }

    @Test("a batch over MAX_BATCH_EVENTS is a 413")
    func tooManyEvents() async throws {
        let harness = try RelayHarness { $0.limits.maxBatchEvents = 3 }
        let batch = JSONValue.array((0..<4).map { _ in Payloads.click() })
        try await harness.run { client in
            let response = try await client.post("/v1/events", batch.text)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "too_many_events")
        }
    }

    @Test("the batch limit holds while parsing: what follows the limit is never read (413, even if it is not JSON)")
    func batchLimitWhileParsing() async throws {
        let harness = try RelayHarness { $0.limits.maxBatchEvents = 3 }
        let three = (0..<3).map { _ in Payloads.click().text }.joined(separator: ",")
        try await harness.run { client in
            let response = try await client.post("/v1/events", "[" + three + ", {\"type\": " + String(repeating: "x", count: 1000))
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "too_many_events")
            // Within the limit, a broken tail is still a 400 with its offset.
            let broken = try await client.post("/v1/events", "[" + three + "]x")
            #expect(broken.status == .badRequest)
        }
    }

    @Test("a content type other than JSON is a 415", arguments: ["text/plain", "application/x-www-form-urlencoded", nil])
    func wrongContentType(_ contentType: String?) async throws {
        let harness = try RelayHarness()
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        try await harness.run { [headers] client in
            let response = try await client.post("/v1/events", Payloads.click().text, headers: headers)
            #expect(response.status == .unsupportedMediaType)
            #expect(response.errorCode == "unsupported_media_type")
        }
    }

    @Test("JSON with a charset parameter is accepted")
    func charsetAccepted() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let response = try await client.post(
                "/v1/events", Payloads.click().text, headers: [.contentType: "application/json; charset=utf-8"])
            #expect(response.status == .accepted)
        }
    }

    @Test("an unknown route is a JSON 404")
    func unknownRoute() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let response = try await client.post("/v1/evnets", Payloads.click().text)
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
            let wrongMethod = try await client.get("/v1/events")
            #expect(wrongMethod.status == .notFound)
        }
    }
}
