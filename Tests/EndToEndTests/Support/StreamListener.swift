import EDMEvents
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// A terminal client of the stream service, as dashboard-tui is: records every frame.
final class StreamListener: Sendable {
    /// What the connection task records (its own object: the task starts before `self` exists).
    private final class Record: Sendable {
        let frames = Mutex<[JSONValue]>([])
        let ended = Atomic<Bool>(false)
    }

    private let record = Record()
    private let task: Task<Void, Never>

    init(url: String) {
        let record = self.record
        var logger = Logger(label: "e2e.ws")
        logger.logLevel = .critical
        task = Task { [logger] in
            _ = try? await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) {
                inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message, let value = try? JSONValue.parse(text) else { continue }
                    record.frames.withLock { $0.append(value) }
                }
            }
            record.ended.store(true, ordering: .releasing)
        }
    }

    /// The server said it is live: everything produced from now on reaches this client.
    var isLive: Bool { record.frames.withLock { $0.contains { $0["kind"]?.stringValue == "live" } } }
    /// Event frames (control frames carry `kind`).
    var events: [JSONValue] { record.frames.withLock { $0.filter { $0["kind"] == nil } } }
    var hasEnded: Bool { record.ended.load(ordering: .acquiring) }

    func stop() {
        task.cancel()
    }
}
