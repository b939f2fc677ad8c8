import EDMEvents
import EDMKafka
import NIOCore

/// The feed's positions after one published batch and their `checkpoint` frame, encoded once
/// per batch and shared by every client (as event frames are).
struct SharedCheckpoint: Sendable {
    let positions: [TopicPartition: Int64]
    let frame: ByteBuffer

    init(positions: [TopicPartition: Int64]) {
        self.positions = positions
        frame = WebSocketWire.textFrame(ControlFrame.checkpoint(StreamCursor(positions)).buffer)
    }
}
