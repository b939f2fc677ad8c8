import EDMEvents
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Synchronization
import TestSupport

/// A WebSocket client (hummingbird-websocket's) that records every frame it receives, for tests
/// to wait on. `connect` returns once the server's `{"kind":"live"}` arrived, i.e. once the
/// client is registered and will receive everything produced after that.
final class StreamClient: Sendable {
    /// What the connection task records (a separate object: the task starts before `self` exists).
    private final class Record: Sendable {
        let frames = Mutex<[JSONValue]>([])
        let closed = Mutex<Int?>(nil)
        let finished = Atomic<Bool>(false)
    }

    private let record = Record()
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    static func connect(
        port: Int, query: String = "", headers: HTTPFields = [:], waitForLive: Bool = true
    ) async throws -> StreamClient {
        let client = StreamClient(url: "ws://127.0.0.1:\(port)/v1/stream\(query.isEmpty ? "" : "?" + query)", headers: headers)
        if waitForLive {
            let live = try await eventually(timeout: .seconds(20)) { client.controls("live").count > 0 || client.isFinished }
            guard live, !client.isFinished else { throw HarnessError("no live frame (closed with \(client.closeCode ?? -1))") }
        }
        return client
    }

    private init(url: String, headers: HTTPFields) {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        outgoing = continuation
        let record = self.record
        task = Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: headers),
                    logger: quietLogger
                ) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await text in stream { try await outbound.write(.text(text)) }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message, let value = try? JSONValue.parse(text) else { continue }
                            record.frames.withLock { $0.append(value) }
                        }
                        group.cancelAll()
                    }
                }
                record.closed.withLock { $0 = close.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) } }
            } catch {
                record.closed.withLock { $0 = -1 }
            }
            record.finished.store(true, ordering: .releasing)
        }
    }

    /// Every frame so far, parsed, checkpoints included.
    var everyFrame: [JSONValue] { record.frames.withLock { $0 } }
    /// Every frame so far except checkpoints (which come after any batch, so tests about the
    /// order of events and notices leave them out).
    var allFrames: [JSONValue] { everyFrame.filter { $0["kind"]?.stringValue != "checkpoint" } }
    /// The newest cursor the server gave (a checkpoint, or the live notice's).
    var lastCursor: String? {
        everyFrame.last { ["checkpoint", "live"].contains($0["kind"]?.stringValue) && $0["cursor"] != nil }?["cursor"]?.stringValue
    }
    /// Event frames so far (those without `kind`).
    var events: [JSONValue] { allFrames.filter { $0["kind"] == nil } }
    func controls(_ kind: String) -> [JSONValue] { allFrames.filter { $0["kind"]?.stringValue == kind } }
    var eventIDs: [String] { events.compactMap { $0["id"]?.stringValue } }

    var isFinished: Bool { record.finished.load(ordering: .acquiring) }
    /// The close code the server sent (nil while open; -1 when the connection failed).
    var closeCode: Int? { record.closed.withLock { $0 } }

    func send(_ text: String) {
        outgoing.yield(text)
    }

    /// Waits until `condition` holds for the frames received so far.
    @discardableResult
    func waitUntil(timeout: Duration = .seconds(20), _ condition: @escaping ([JSONValue]) -> Bool) async throws -> Bool {
        try await eventually(timeout: timeout) { condition(self.allFrames) }
    }

    /// Waits for at least `count` events; returns whether they arrived in time.
    @discardableResult
    func waitForEvents(_ count: Int, timeout: Duration = .seconds(20)) async throws -> Bool {
        try await eventually(timeout: timeout) { self.events.count >= count }
    }

    /// Sends a close and waits for the connection to end.
    func close() async {
        outgoing.finish()
        _ = try? await eventually(timeout: .seconds(10)) { self.isFinished }
        task.cancel()
    }
}
