import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive dashboard: full screen when both ends are terminals, otherwise a plain-text
/// frame every few seconds. Owns the model (through ``DashboardPipeline``) on one task: every
/// input (stream frames, history, keys, resizes, clock) arrives as a message on one queue, so
/// nothing is shared and the order is the order of arrival.
public struct DashboardApp: Sendable {
    public let configuration: DashboardConfiguration
    let logger: Logger

    public init(configuration: DashboardConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Interval between plain-text frames when the output is not a terminal.
    static let plainTextInterval: Duration = .seconds(2)

    public func run() async {
        let interactive = TerminalSize.isTerminal(STDIN_FILENO) && TerminalSize.isTerminal(STDOUT_FILENO)
        var mode = OutputMode.plainText
        if interactive {
            do {
                try TerminalGuard.enter()
                mode = .ansi(colors: !configuration.noColor)
            } catch {
                mode = .plainText
            }
        }
        defer { TerminalGuard.restore() }
        let sink = FileDescriptorSink(descriptor: STDOUT_FILENO)
        let (messages, input) = AsyncStream.makeStream(of: DashboardMessage.self)
        var scheduler = mode == .plainText
            ? FrameScheduler(interval: Self.plainTextInterval) : FrameScheduler(framesPerSecond: configuration.framesPerSecond)
        if mode == .plainText { scheduler.skipFrame(at: .now) }
        var pipeline = DashboardPipeline(
            model: DashboardModel(now: Date()),
            view: DashboardView(theme: Theme(utcOffsetSeconds: TimeZone.current.secondsFromGMT())),
            size: TerminalSize.of() ?? TerminalSize(columns: 100, rows: 32), mode: mode, scheduler: scheduler, sink: sink)

        let keys = TerminalInput()
        var resize: ResizeSignal?
        if case .ansi = mode {
            keys.start { pressed in for key in pressed { input.yield(.key(key)) } }
            resize = ResizeSignal { if let size = TerminalSize.of() { input.yield(.resize(size)) } }
        }
        let loader = HistoryLoader(
            client: StatsClient(baseURL: configuration.statsURL, token: configuration.statsToken),
            refreshInterval: .seconds(configuration.refreshSeconds), logger: logger)
        let stream = StreamClient(url: configuration.streamURL, token: configuration.streamToken, logger: logger)
        let resume = ResumePointBox()
        let types = NSLockedValue(pipeline.model.knownTypes)

        // Unstructured on purpose: quitting must not wait for a connection attempt to notice
        // its cancellation; the process ends right after.
        let tasks = [
            Task { await loader.run(types: { types.get() }, send: { input.yield($0) }) },
            Task {
                // History first, so the stream resumes from its cursor.
                await loader.waitForFirstAttempt(timeout: .seconds(15))
                await stream.run(resume: resume, send: { input.yield($0) })
            },
            Task { await Self.tick(every: scheduler.interval, into: input) },
        ]
        for await message in messages {
            let effects = pipeline.handle(message)
            if case .historyLoaded = message {
                resume.update(ResumePoint(generation: pipeline.model.historyGeneration, cursor: pipeline.model.cursor))
                types.set(pipeline.model.knownTypes)
            }
            if effects.contains(.quit) { break }
            if effects.contains(.reloadHistory) { loader.requestReload() }
            pipeline.renderIfDue(at: .now)
        }
        for task in tasks { task.cancel() }
        keys.stop()
        resize?.cancel()
        sink.flush()
    }

    /// The clock: drives the time display, the rate meter and coalesced redraws.
    static func tick(every interval: Duration, into input: AsyncStream<DashboardMessage>.Continuation) async {
        let start = ContinuousClock.now
        let period = min(interval, .milliseconds(250))
        while !Task.isCancelled {
            input.yield(.tick(now: Date(), monotonicSecond: (ContinuousClock.now - start).components.seconds))
            do { try await Task.sleep(for: period) } catch { return }
        }
    }
}
