import EDMCore
import DashboardTUI
import EDMEvents
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The dashboard's own cost while 5,000 events/s arrive: stream frames (the JSON text the
/// WebSocket delivers) go through the same path as in the app (decode, one message queue,
/// model update, coalesced render, ANSI diff written to /dev/null) for several seconds. CPU
/// (user + sys of this process, from getrusage) is reported as a fraction of one core, with a
/// same-run baseline of the frame generator alone (what producing the frames costs here and is
/// not the dashboard's), and the target of 0.25 core. RSS comes from /proc.
struct DashboardBenchmark {
    var eventsPerSecond = 5000
    var duration: Duration = .seconds(6)
    var size = TerminalSize(columns: 160, rows: 48)
    var framesPerSecond = 15
    static let target = 0.25

    func run(report: inout [BenchRow]) async throws {
        let rssBefore = DashboardResources.residentMegabytes()
        // Warm-up: first allocations, lazy globals.
        _ = try await measure(withDashboard: true, duration: .seconds(1))
        let generator = try await measure(withDashboard: false, duration: duration)
        let dashboard = try await measure(withDashboard: true, duration: duration)
        guard dashboard.counted == dashboard.sent else {
            throw BenchError("the dashboard counted \(dashboard.counted) of \(dashboard.sent) events")
        }
        let own = max(0, dashboard.cores - generator.cores)
        report.append(BenchRow(name: "dashboard CPU at \(eventsPerSecond) events/s (cores)", ours: own,
                               baseline: Self.target, baselineName: "target"))
        report.append(BenchRow(name: "dashboard process CPU incl. frame generator (cores)", ours: dashboard.cores,
                               baseline: generator.cores, baselineName: "frame generator alone"))
        report.append(BenchRow(name: "dashboard frames drawn per second", ours: dashboard.framesPerSecond,
                               baseline: Double(framesPerSecond), baselineName: "frame cap"))
        report.append(BenchRow(name: "dashboard bytes written per frame", ours: dashboard.bytesPerFrame,
                               baseline: dashboard.fullFrameBytes, baselineName: "full repaint"))
        report.append(BenchRow(name: "dashboard RSS after the runs (MB)", ours: DashboardResources.residentMegabytes(),
                               baseline: rssBefore, baselineName: "RSS before"))
    }

    struct Measurement {
        var cores: Double
        var sent: Int
        var counted: Int64
        var framesPerSecond: Double
        var bytesPerFrame: Double
        var fullFrameBytes: Double
    }

    /// Generates `eventsPerSecond` frames for `duration`; with `withDashboard` they run through
    /// the pipeline, otherwise they are only generated and dropped.
    func measure(withDashboard: Bool, duration: Duration) async throws -> Measurement {
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { throw BenchError("cannot open /dev/null") }
        defer { close(null) }
        let sink = FileDescriptorSink(descriptor: null)
        let now = Date()
        var model = DashboardModel(now: now)
        // An empty history and a stream resumed from its cursor: every generated event counts live.
        _ = model.update(.historyLoaded(HistorySnapshot(
            summary: .init(totalEvents: 0, types: ["click": .init(count: 0), "pageload": .init(count: 0)], cursor: "c1.AA"),
            clicks: .init(buttons: [], totalClicks: 0, distinctButtons: 0, limit: 1000),
            pageLoads: .init(totalPageLoads: 0, byDeviceType: [:], byUrl: [], distinctUrls: 0, limit: 1), loadedAt: now)))
        _ = model.update(.streamStatus(.connected(since: now)))
        _ = model.update(.streamResumed(generation: model.historyGeneration, cursor: model.cursor))
        _ = model.update(.frame(.live(replayed: 0, cursor: model.cursor)))
        var pipeline = DashboardPipeline(
            model: model, view: DashboardView(), size: size, mode: .ansi(colors: true),
            scheduler: FrameScheduler(framesPerSecond: framesPerSecond), sink: sink)
        let fullFrameBytes = Double(ANSIRenderer(colors: true).render(from: nil, to: DashboardView().render(model, size: size)).utf8.count)

        let (messages, input) = AsyncStream.makeStream(of: DashboardMessage.self)
        let rate = eventsPerSecond
        let start = ContinuousClock.now
        let cpuBefore = DashboardResources.cpuSeconds()
        let producer = Task {
            var sent = 0
            let slice = Duration.milliseconds(10)
            var next = start
            while next - start < duration {
                next += slice
                let due = Int(Double(rate) * (next - start).inSeconds)
                let stamp = EventTimestamp.string(from: Date())
                while sent < due {
                    let text = BenchFrames.frame(index: sent, stamp: stamp)
                    if withDashboard { input.yield(.frame(StreamFrameDecoder.decode(text))) }
                    sent += 1
                }
                try? await Task.sleep(until: next)
            }
            input.finish()
            return sent
        }
        let ticker = Task {
            let period = Duration.nanoseconds(1_000_000_000 / Int64(framesPerSecond))
            while !Task.isCancelled {
                input.yield(.tick(now: Date(), monotonicSecond: (ContinuousClock.now - start).components.seconds))
                try? await Task.sleep(for: period)
            }
        }
        for await message in messages {
            _ = pipeline.handle(message)
            pipeline.renderIfDue(at: .now)
        }
        ticker.cancel()
        let sent = await producer.value
        sink.flush()
        let elapsed = ContinuousClock.now - start
        let seconds = elapsed.inSeconds
        let cpu = DashboardResources.cpuSeconds() - cpuBefore
        let frames = max(1, pipeline.framesDrawn)
        return Measurement(
            cores: cpu / seconds, sent: sent,
            counted: pipeline.model.total(of: "click") + pipeline.model.total(of: "pageload"),
            framesPerSecond: Double(pipeline.framesDrawn) / seconds,
            bytesPerFrame: Double(pipeline.bytesWritten) / Double(frames), fullFrameBytes: fullFrameBytes)
    }
}

/// Stream frames as the stream service sends them (canonical event JSON), made from a template
/// with a fresh id and timestamp so the dashboard cannot dedupe them away.
enum BenchFrames {
    static let buttons = (0..<40).map { "button-\($0)-\(String(repeating: "x", count: $0 % 12))" }
    static let devices = ["desktop", "mobile", "tablet", "bot", "other"]

    static func frame(index: Int, stamp: String) -> String {
        let id = UUID().uuidString.lowercased()
        if index % 4 == 3 {
            let device = devices[index % devices.count]
            return #"{"id":"\#(id)","occurredAt":"\#(stamp)","properties":{"deviceType":"\#(device)","url":"https://shop.example.com/products/\#(index % 100)","userAgent":""},"receivedAt":"\#(stamp)","schemaVersion":1,"sessionId":"session-\#(index % 500)","source":"v1","type":"pageload"}"#
        }
        let button = buttons[(index * 7) % buttons.count]
        return #"{"id":"\#(id)","occurredAt":"\#(stamp)","properties":{"buttonId":"\#(button)","description":"Add to cart"},"receivedAt":"\#(stamp)","schemaVersion":1,"sessionId":"session-\#(index % 500)","source":"v1","type":"click"}"#
    }
}

/// CPU time and resident memory of this process.
enum DashboardResources {
    /// User + system seconds since the process started.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// This process's resident memory, in MB.
    static func residentMegabytes() -> Double {
        Double(ProcessStats.residentBytes()) / 1_048_576
    }
}
