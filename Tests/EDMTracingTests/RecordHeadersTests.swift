import EDMKafka
import EDMTracing
import Testing

@Suite("Event record headers")
struct RecordHeadersTests {
    @Test("written headers are read back, in order, without the value")
    func roundTrip() throws {
        let trace = try #require(TraceParent(header: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        let headers = EventRecordHeaders(eventType: "click", schemaVersion: 1, traceParent: trace, traceState: "rojo=1")
        let written = headers.kafkaHeaders
        #expect(written.map(\.key) == ["event-type", "schema-version", "content-type", "traceparent", "tracestate"])
        #expect(written.string(named: "content-type") == "application/json")
        #expect(EventRecordHeaders(written) == headers)
    }

    @Test("a foreign record: missing, null, repeated and malformed headers")
    func foreign() {
        #expect(EventRecordHeaders([]) == EventRecordHeaders(eventType: nil, schemaVersion: nil, contentType: nil, traceParent: nil))
        let read = EventRecordHeaders([
            KafkaHeader(key: "event-type", value: nil),
            KafkaHeader(key: "schema-version", value: "one"),
            KafkaHeader(key: "traceparent", value: "00-zz"),
            KafkaHeader(key: "content-type", value: "text/plain"),
            KafkaHeader(key: "content-type", value: [0xFF]),
        ])
        #expect(read.eventType == nil)
        #expect(read.schemaVersion == nil)
        #expect(read.traceParent == nil)
        // The last header of a name wins, and it is not UTF-8.
        #expect(read.contentType == nil)
    }
}
