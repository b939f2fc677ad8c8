import EDMEvents
import EDMKafka
import Hummingbird

/// One event read from Kafka, decoded once and encoded once, then shared by every client: a
/// class, so handing it to a thousand outboxes copies one reference, and the frame is a
/// `ByteBuffer`, so every client sends the same storage.
final class StreamEvent: Sendable {
    let partition: TopicPartition
    let offset: Int64
    /// Kafka timestamp in milliseconds (the envelope's `receivedAt` when the broker gave none);
    /// what `since=` compares against.
    let timestamp: Int64
    let type: String
    let sessionId: String
    let buttonId: String?
    let deviceType: DeviceType?
    /// The level of an alert event (nil for other types).
    let alertLevel: AlertLevel?
    /// The `properties` of a registered type's event, which `where=` conditions read (nil for
    /// the built-in types, filtered by their own criteria).
    let properties: JSONValue?
    /// The canonical event JSON (user agent redacted when configured) as a complete WebSocket
    /// text frame, header included (see `WebSocketWire`).
    let frame: ByteBuffer

    init(
        partition: TopicPartition, offset: Int64, timestamp: Int64, type: String, sessionId: String,
        buttonId: String?, deviceType: DeviceType?, alertLevel: AlertLevel? = nil, properties: JSONValue? = nil,
        frame: ByteBuffer
    ) {
        self.alertLevel = alertLevel
        self.properties = properties
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.type = type
        self.sessionId = sessionId
        self.buttonId = buttonId
        self.deviceType = deviceType
        self.frame = frame
    }
}
