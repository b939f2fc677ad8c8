import Foundation

/// One accepted event as a producer needs it: its kind (topic), id, partition key and the
/// canonical envelope bytes (``EventEnvelope/jsonData()``), and nothing to encode again.
public struct EncodedEvent: Sendable {
    public let kind: any EventProperties.Type
    public let id: UUID
    /// The session id's UTF-8 bytes, the Kafka message key.
    public let key: [UInt8]
    /// The canonical envelope, what goes to Kafka.
    public let json: [UInt8]

    public init(kind: any EventProperties.Type, id: UUID, key: [UInt8], json: [UInt8]) {
        self.kind = kind
        self.id = id
        self.key = key
        self.json = json
    }

    /// An envelope built by the general path, encoded once.
    public init(_ envelope: EventEnvelope) {
        self.init(
            kind: envelope.kind, id: envelope.id, key: Array(envelope.partitionKey.utf8),
            json: envelope.jsonValue.serializedBytes())
    }

    public var type: String { kind.eventType }
}

/// A v1 request body read by ``EventParser/encodeRequest(_:receivedAt:maxEvents:deriveID:)``.
public struct EncodedRequest: Sendable {
    /// The events in request order.
    public let events: [EncodedEvent]
    /// The body was an array (a batch), even of one event.
    public let isBatch: Bool
    /// The canonical bytes of the body as sent (``JSONValue/serialized(pretty:)`` of the parsed
    /// body), only when ids were derived: what an Idempotency-Key's body digest is taken over.
    public let canonicalBody: [UInt8]?
}
