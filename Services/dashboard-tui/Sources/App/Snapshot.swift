import EDMEvents
import Foundation
import Logging

/// `--snapshot`: one frame of the current state as plain text, for scripts. Loads history from
/// stats (no retries: a script wants an answer), optionally follows the stream for a few seconds,
/// and renders at a fixed size.
public struct Snapshot: Sendable {
    public let configuration: DashboardConfiguration
    public let size: TerminalSize
    /// Seconds of stream to merge in (0: stats only).
    public let streamSeconds: Int
    let logger: Logger

    public init(configuration: DashboardConfiguration, size: TerminalSize, streamSeconds: Int, logger: Logger) {
        self.configuration = configuration
        self.size = size
        self.streamSeconds = streamSeconds
        self.logger = logger
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The frame's text, or a failure naming the stats URL and why it could not be read.
    public func render(now: Date = Date(), utcOffsetSeconds: Int = TimeZone.current.secondsFromGMT()) async throws(Failure) -> String {
        var model = DashboardModel(now: now)
        let client = StatsClient(baseURL: configuration.statsURL, token: configuration.statsToken)
        let history: HistorySnapshot
        do {
            history = try await client.loadHistory(types: model.knownTypes, now: now)
        } catch {
            throw Failure(description: "cannot load history from stats at \(configuration.statsURL): \(error.reason)")
        }
        _ = model.update(.historyLoaded(history))
        if let alerts = await client.loadAlerts() { _ = model.update(.alertsLoaded(alerts)) }
        _ = model.update(.statsStatus(.connected(since: now)))
        _ = model.update(.streamStatus(.off))
        if streamSeconds > 0 {
            model = await follow(model, watermark: history.watermarks.values.max())
        }
        return DashboardView(theme: Theme(utcOffsetSeconds: utcOffsetSeconds)).render(model, size: size).text
    }

    /// Merges `streamSeconds` of the stream into `model` (one connection, no reconnects).
    func follow(_ model: DashboardModel, watermark: Date?) async -> DashboardModel {
        var model = model
        let (messages, input) = AsyncStream.makeStream(of: DashboardMessage.self)
        let client = StreamClient(url: configuration.streamURL, token: configuration.streamToken, logger: logger)
        let reader = Task { await client.run(watermark: { watermark }, send: { input.yield($0) }) }
        let timer = Task {
            try? await Task.sleep(for: .seconds(streamSeconds))
            input.finish()
        }
        let start = ContinuousClock.now
        for await message in messages {
            if case .streamStatus(let status) = message, case .retrying = status { continue }
            _ = model.update(message)
            _ = model.update(.tick(now: Date(), monotonicSecond: (ContinuousClock.now - start).components.seconds))
        }
        reader.cancel()
        timer.cancel()
        return model
    }
}
