import EDMEvents
import EDMKafka
import EDMTracing
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

@testable import RelayService

/// Every record the relay writes names its event type, schema version, content type and trace
/// in headers; the caller's `traceparent` is continued, an invalid one replaced by a new trace.
@Suite("Relay record headers and trace context")
struct RecordHeaderTests {
    static let callerTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    static func headers(traceparent: String?, tracestate: String? = nil) -> HTTPFields {
        var fields = jsonHeaders
        if let traceparent { fields[HTTPField.Name("traceparent")!] = traceparent }
        if let tracestate { fields[HTTPField.Name("tracestate")!] = tracestate }
        return fields
    }

    @Test("headers on every record; traceparent continued, started when absent, replaced when invalid")
    func headersAndTraces() async throws {
        let broker = try await BrokerIntegrationTests.startBroker()
        let (configuration, producer) = try BrokerIntegrationTests.relay(broker)
        let app = RelayApplication.make(configuration: configuration, producer: producer, logger: quietLogger)
        let continued = Payloads.click(id: UUID(), sessionId: "s-continued", buttonId: "b")
        let batch = JSONValue.array([Payloads.click(sessionId: "s-batch", buttonId: "b", description: nil), Payloads.pageload(sessionId: "s-batch")])
        let invalid = Payloads.click(id: UUID(), sessionId: "s-invalid", buttonId: "b")
        let legacy = Payloads.legacyPageLoad(uuid: "s-legacy")
        let ids = try await app.test(.live) { client in
            let responses = [
                try await client.post("/v1/events", continued.text, headers: Self.headers(traceparent: Self.callerTrace, tracestate: "rojo=00f067aa0ba902b7")),
                try await client.post("/v1/events", batch.text, headers: Self.headers(traceparent: nil)),
                try await client.post("/v1/events", invalid.text, headers: Self.headers(traceparent: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", tracestate: "dropped=1")),
                try await client.post("/producePageLoad", legacy.text, headers: Self.headers(traceparent: nil)),
            ]
            for response in responses { #expect(response.status == .accepted, "\(response.text)") }
            return responses.map(\.acceptedIDs)
        }
        await producer.close()
        let messages = try await BrokerIntegrationTests.read(5, topics: configuration.names.allTopics, bootstrap: broker.bootstrapServers)
        #expect(messages.count == 5)
        var byID: [String: EventRecordHeaders] = [:]
        for message in messages {
            let envelope = try EventEnvelope.decode(from: Data(message.value ?? []))
            let headers = EventRecordHeaders(message.headers)
            #expect(headers.eventType == envelope.type)
            #expect(headers.schemaVersion == envelope.schemaVersion)
            #expect(headers.contentType == "application/json")
            #expect(headers.traceParent != nil)
            #expect(message.headers.map(\.key).prefix(4) == ["event-type", "schema-version", "content-type", "traceparent"])
            byID[envelope.id.uuidString.lowercased()] = headers
        }
        let caller = try #require(TraceParent(header: Self.callerTrace))
        let first = try #require(byID[ids[0][0]]?.traceParent)
        #expect(first.traceID == caller.traceID)
        #expect(first.spanID != caller.spanID)
        #expect(byID[ids[0][0]]?.traceState == "rojo=00f067aa0ba902b7")

        let batchTraces = try ids[1].map { try #require(byID[$0]?.traceParent) }
        #expect(Set(batchTraces.map(\.traceID)).count == 1)
        #expect(Set(batchTraces.map(\.spanID)).count == 2)
        #expect(batchTraces[0].traceID != caller.traceID)

        let replaced = try #require(byID[ids[2][0]])
        #expect(replaced.traceParent?.traceID != caller.traceID)
        #expect(replaced.traceState == nil)
        #expect(Set([first.traceID, batchTraces[0].traceID, replaced.traceParent?.traceID, byID[ids[3][0]]?.traceParent?.traceID]).count == 4)
    }
}
