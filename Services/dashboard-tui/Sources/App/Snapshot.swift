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
            model = await follow(model)
        }
        let text = DashboardView(theme: Theme(utcOffsetSeconds: utcOffsetSeconds)).render(model, size: size).text
        // For scripts: the figures are exact as of this cursor (stats' own, or the stream's last).
        return model.cursor.map { text + "\ncursor: " + $0 } ?? text
    }

    /// Merges `streamSeconds` of the stream into `model`, resuming from the history's cursor
    /// (and, if the stream goes away meanwhile, from its last checkpoint).
    func follow(_ model: DashboardModel) async -> DashboardModel {
        var model = model
        let (messages, input) = AsyncStream.makeStream(of: DashboardMessage.self)
        let client = StreamClient(
            url: configuration.streamURL, token: configuration.streamToken,
            policy: ReconnectPolicy(initialDelay: .milliseconds(200), maxDelay: .seconds(2)), logger: logger)
        let resume = ResumePointBox()
        resume.update(ResumePoint(generation: model.historyGeneration, cursor: model.cursor))
        let reader = Task { await client.run(resume: resume, send: { input.yield($0) }) }
        // Wakes the loop so it can stop when due even while no frame arrives.
        let clock = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                input.yield(.resize(size))
            }
        }
        let start = ContinuousClock.now
        let due = start + .seconds(streamSeconds)
        // Stop on a checkpoint boundary, so the printed cursor covers exactly what was counted;
        // give up waiting for one after a few seconds (the cursor then says so by being older).
        let latest = due + .seconds(3)
        for await message in messages {
            if case .streamStatus(let status) = message, case .retrying = status { continue }
            _ = model.update(message)
            _ = model.update(.tick(now: Date(), monotonicSecond: (ContinuousClock.now - start).components.seconds))
            let now = ContinuousClock.now
            if now >= latest || (now >= due && model.eventsSinceCursor == 0) { break }
        }
        reader.cancel()
        clock.cancel()
        return model
    }
}
