import EDMKafka

/// The headers the relay writes on every event record, so consumers (and Kafka tools) learn
/// what a record holds and which trace it belongs to without parsing its value.
public struct EventRecordHeaders: Sendable, Hashable {
    public enum Name {
        public static let eventType = "event-type"
        public static let schemaVersion = "schema-version"
        public static let contentType = "content-type"
        public static let traceparent = TraceHeaderName.traceparent
        public static let tracestate = TraceHeaderName.tracestate
    }

    /// The only content type the relay writes: the event envelope as JSON.
    public static let json = "application/json"

    public var eventType: String?
    public var schemaVersion: Int?
    public var contentType: String?
    /// Nil when absent or malformed (a record from another producer is not trusted blindly).
    public var traceParent: TraceParent?
    public var traceState: String?

    public init(
        eventType: String?, schemaVersion: Int?, contentType: String? = EventRecordHeaders.json,
        traceParent: TraceParent?, traceState: String? = nil
    ) {
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.contentType = contentType
        self.traceParent = traceParent
        self.traceState = traceState
    }

    /// Reads the headers of a consumed record (any producer's: missing ones stay nil).
    public init(_ headers: [KafkaHeader]) {
        guard !headers.isEmpty else {
            self.init(eventType: nil, schemaVersion: nil, contentType: nil, traceParent: nil)
            return
        }
        self.init(
            eventType: headers.string(named: Name.eventType),
            schemaVersion: headers.string(named: Name.schemaVersion).flatMap { Int($0) },
            contentType: headers.string(named: Name.contentType),
            traceParent: headers.string(named: Name.traceparent).flatMap { TraceParent(header: $0) },
            traceState: headers.string(named: Name.tracestate).flatMap { TraceState.validated($0) })
    }

    /// The record headers, in a fixed order.
    public var kafkaHeaders: [KafkaHeader] {
        var headers: [KafkaHeader] = []
        headers.reserveCapacity(5)
        if let eventType { headers.append(KafkaHeader(key: Name.eventType, value: eventType)) }
        if let schemaVersion {
            headers.append(KafkaHeader(key: Name.schemaVersion, value: schemaVersion == 1 ? Self.one : Array(String(schemaVersion).utf8)))
        }
        if let contentType {
            headers.append(KafkaHeader(key: Name.contentType, value: contentType == Self.json ? Self.jsonBytes : Array(contentType.utf8)))
        }
        if let traceParent { headers.append(KafkaHeader(key: Name.traceparent, value: traceParent.headerBytes)) }
        if let traceState { headers.append(KafkaHeader(key: Name.tracestate, value: traceState)) }
        return headers
    }

    private static let jsonBytes = Array(json.utf8)
    private static let one = Array("1".utf8)
}
