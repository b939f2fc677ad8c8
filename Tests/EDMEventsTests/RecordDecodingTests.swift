import EDMEvents
import Foundation
import Testing

@Suite("One decoder for every consumer")
struct RecordDecodingTests {
    let decoder: EventRecordDecoder

    init() throws {
        decoder = EventRecordDecoder(names: try KafkaNames(prefix: "tenant."))
    }

    func decode(_ topic: String, _ value: String?, offset: Int64 = 7) -> Result<EventEnvelope, SkipReason> {
        decoder.decode(
            EventRecord(
                topic: topic, partition: 3, offset: offset, value: value.map { Array($0.utf8) },
                timestampMilliseconds: 1_714_564_800_456))
    }

    func reason(_ result: Result<EventEnvelope, SkipReason>) -> SkipReason? {
        if case .failure(let reason) = result { return reason }
        return nil
    }

    static let legacyClick =
        #"{"topic":"edm-ui-click","uuid":"s-1","event_timestamp":1714564800123,"properties":{"button_id":"b"}}"#

    @Test("canonical envelopes decode on their own topic; everything else has one named reason")
    func classification() throws {
        let click = String(decoding: Fixture.click().jsonData(), as: UTF8.self)
        #expect(try decode("tenant.edm-ui-click", click).get().id == Fixture.id)
        #expect(reason(decode("edm-ui-click", click)) == .unknownTopic)
        #expect(reason(decode("tenant.edm-ui-pageload", click)) == .topicMismatch)
        #expect(reason(decode("tenant.edm-ui-click", nil)) == .tombstone)
        #expect(reason(decode("tenant.edm-ui-click", "[1,2,")) == .malformedJSON)
        #expect(reason(decode("tenant.edm-ui-click", "\"just a string\"")) == .invalidEvent)
        #expect(reason(decode("tenant.edm-ui-click", #"{"type":"purchase"}"#)) == .unknownType)
        #expect(reason(decode("tenant.edm-ui-click", #"{"type":"click","schemaVersion":9}"#)) == .unsupportedSchemaVersion)
    }

    @Test("a raw reference-relay payload becomes a legacy event with a position-derived id")
    func rawLegacyPayload() throws {
        let event = try decode("tenant.edm-ui-click", Self.legacyClick).get()
        #expect(event.source == .legacy)
        #expect(event.sessionId == "s-1")
        #expect(event.properties(as: ClickProperties.self)?.buttonId == "b")
        #expect(EventTimestamp.milliseconds(from: event.occurredAt) == 1_714_564_800_123)
        #expect(EventTimestamp.milliseconds(from: event.receivedAt) == 1_714_564_800_456)
        // The same record always gives the same id; another position gives another.
        #expect(try decode("tenant.edm-ui-click", Self.legacyClick).get().id == event.id)
        #expect(try decode("tenant.edm-ui-click", Self.legacyClick, offset: 8).get().id != event.id)
        #expect(event.id == RecordEventID.make(topic: "tenant.edm-ui-click", partition: 3, offset: 7))
    }

    @Test("a raw payload naming another topic, or missing fields, is an invalid event")
    func rawLegacyMismatch() {
        let pageloadTopic = Self.legacyClick.replacingOccurrences(of: "edm-ui-click", with: "edm-ui-pageload")
        #expect(reason(decode("tenant.edm-ui-click", pageloadTopic)) == .invalidEvent)
        #expect(reason(decode("tenant.edm-ui-click", #"{"topic":"edm-ui-click","uuid":"s-1"}"#)) == .invalidEvent)
    }

    @Test("position-derived ids are version 8, RFC 9562 variant, and spread")
    func recordIDs() {
        let ids = (0..<1_000).map { RecordEventID.make(topic: "t", partition: 0, offset: Int64($0)) }
        #expect(Set(ids).count == 1_000)
        for id in ids.prefix(10) {
            #expect(id.uuid.6 >> 4 == 8)
            #expect(id.uuid.8 >> 6 == 0b10)
        }
        #expect(RecordEventID.make(topic: "t", partition: 1, offset: 0) != RecordEventID.make(topic: "t", partition: 0, offset: 1))
    }

    @Test("labels are the metric labels every consumer uses")
    func labels() {
        #expect(SkipReason.decodeReasons.map(\.rawValue) == [
            "tombstone", "malformed_json", "invalid_event", "unknown_type", "unsupported_schema_version",
            "topic_mismatch", "unknown_topic",
        ])
    }
}
