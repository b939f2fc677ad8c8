@testable import DashboardTUI
import EDMEvents
import Foundation
import Testing

/// Collects frames instead of writing them.
final class RecordingSink: FrameSink, @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [String] = []
    func write(_ text: String) { lock.withLock { frames.append(text) } }
    var written: [String] { lock.withLock { frames } }
}

@Suite("Coalesced redraws")
struct PipelineTests {
    @Test("many invalidations within one interval give one frame")
    func scheduler() {
        var scheduler = FrameScheduler(framesPerSecond: 10)
        let start = ContinuousClock.now
        var frames = 0
        for step in 0..<1000 {
            scheduler.invalidate()
            if scheduler.due(at: start + .milliseconds(step / 10)) { frames += 1 }  // 1000 messages in 100 ms
        }
        #expect(frames == 1)
        // After the interval the pending change is drawn, once.
        let pendingDrawn = scheduler.due(at: start + .milliseconds(200))
        #expect(pendingDrawn)
        let drawnAgain = scheduler.due(at: start + .milliseconds(400))
        #expect(!drawnAgain)  // nothing changed since
    }

    @Test("5,000 events in one second are drawn in at most 15 frames, as diffs")
    func pipeline() {
        let sink = RecordingSink()
        var pipeline = DashboardPipeline(
            model: Fixtures.model(Fixtures.history(clickWatermark: Fixtures.noon)), view: DashboardView(),
            size: TerminalSize(columns: 100, rows: 30), mode: .ansi(colors: true),
            scheduler: FrameScheduler(framesPerSecond: 15), sink: sink)
        let start = ContinuousClock.now
        for index in 0..<5000 {
            let event = Fixtures.click("button-\(index % 7)", at: Fixtures.noon.addingTimeInterval(1 + Double(index) / 5000))
            _ = pipeline.handle(.frame(.event(event)))
            pipeline.renderIfDue(at: start + .microseconds(Int64(index) * 200))
        }
        #expect(pipeline.model.total(of: "click") == 5000)
        #expect(pipeline.framesDrawn <= 15)
        #expect(pipeline.framesDrawn >= 14)
        let frames = sink.written
        #expect(frames.first?.hasPrefix("\u{1B}[0m\u{1B}[2J") == true)
        #expect(frames.dropFirst().allSatisfy { !$0.contains("\u{1B}[2J") })
    }

    @Test("plain-text mode writes whole frames without escape codes")
    func plainText() {
        let sink = RecordingSink()
        var pipeline = DashboardPipeline(
            model: Fixtures.model(), view: DashboardView(), size: TerminalSize(columns: 60, rows: 10), mode: .plainText,
            scheduler: FrameScheduler(framesPerSecond: 1), sink: sink)
        pipeline.render()
        #expect(sink.written.count == 1)
        #expect(!sink.written[0].contains("\u{1B}"))
        #expect(sink.written[0].hasPrefix("stats connected │ stream connected │ 0 events"))
        #expect(sink.written[0].hasSuffix("\n\n"))
    }

    @Test("a resize repaints in full at the new size")
    func resize() {
        let sink = RecordingSink()
        var pipeline = DashboardPipeline(
            model: Fixtures.model(), view: DashboardView(), size: TerminalSize(columns: 60, rows: 10), mode: .ansi(colors: false),
            scheduler: FrameScheduler(framesPerSecond: 1), sink: sink)
        pipeline.render()
        _ = pipeline.handle(.resize(TerminalSize(columns: 30, rows: 8)))
        pipeline.render()
        #expect(pipeline.size == TerminalSize(columns: 30, rows: 8))
        #expect(sink.written.count == 2)
        #expect(sink.written[1].hasPrefix("\u{1B}[0m\u{1B}[2J"))
        #expect(!sink.written[1].contains("\u{1B}[8;31H"))  // nothing beyond 30 columns
    }
}

@Suite("Stream frames")
struct StreamFrameTests {
    @Test("an event frame decodes into a live event")
    func event() {
        let envelope = EventEnvelope(
            occurredAt: Fixtures.noon, receivedAt: Fixtures.noon.addingTimeInterval(0.5), sessionId: "s1",
            properties: ClickProperties(buttonId: "tent", description: "Add to cart"))
        let frame = StreamFrameDecoder.decode(String(decoding: envelope.jsonData(), as: UTF8.self))
        #expect(frame == .event(LiveEvent(
            id: envelope.id, type: "click", receivedAt: envelope.receivedAt, bucketTime: envelope.occurredAt,
            buttonId: "tent", description: "Add to cart")))
    }

    @Test("a page load keeps device type and URL (user agent redacted by the stream)")
    func pageLoad() {
        let envelope = EventEnvelope(
            occurredAt: Fixtures.noon, receivedAt: Fixtures.noon, sessionId: "s1",
            properties: PageLoadProperties(url: "https://shop.example/", userAgent: "", deviceType: .tablet))
        guard case .event(let event) = StreamFrameDecoder.decode(String(decoding: envelope.jsonData(), as: UTF8.self)) else {
            Issue.record("not an event")
            return
        }
        #expect(event.deviceType == "tablet")
        #expect(event.label == "https://shop.example/")
        #expect(event.buttonId == nil)
    }

    @Test("control frames are recognised by their kind")
    func controls() {
        #expect(StreamFrameDecoder.decode(#"{"kind":"live","replayed":12}"#) == .live(replayed: 12))
        #expect(StreamFrameDecoder.decode(#"{"kind":"dropped","count":3}"#) == .dropped(count: 3))
        #expect(StreamFrameDecoder.decode(#"{"kind":"error","code":"bad_filter","message":"no"}"#) == .error(code: "bad_filter", message: "no"))
        #expect(StreamFrameDecoder.decode(#"{"kind":"filter","filter":{}}"#) == .otherControl(kind: "filter"))
    }

    @Test("anything else is undecodable, never a crash")
    func undecodable() {
        for text in ["", "not json", "[1,2]", #"{"type":"click"}"#, #"{"type":"nope","id":"x"}"#] {
            guard case .undecodable = StreamFrameDecoder.decode(text) else {
                Issue.record("\(text) decoded")
                continue
            }
        }
        var model = Fixtures.model()
        _ = model.update(.frame(StreamFrameDecoder.decode("oops")))
        #expect(model.undecodableFrames == 1)
    }

    @Test("the bucket time follows stats' time basis")
    func bucketTime() {
        let received = Fixtures.noon
        #expect(LiveEvent.bucketTime(occurredAt: received.addingTimeInterval(-60), receivedAt: received) == received.addingTimeInterval(-60))
        #expect(LiveEvent.bucketTime(occurredAt: received.addingTimeInterval(600), receivedAt: received) == received)
        #expect(LiveEvent.bucketTime(occurredAt: received.addingTimeInterval(-8 * 86_400), receivedAt: received) == received)
    }
}
