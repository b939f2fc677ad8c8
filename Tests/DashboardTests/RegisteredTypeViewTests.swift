@testable import DashboardTUI
import EDMEvents
import EDMStatsAPI
import Foundation
import Testing

/// Types registered at runtime (issue 17): the dashboard shows every type stats' history and the
/// stream deliver, each with a totals entry and a rate line, merged exactly like click and pageload.
@Suite("Registered types on the dashboard")
struct RegisteredTypeViewTests {
    /// A history whose summary also counted 40 `signup` events, with their 10 s series.
    static func history() -> HistorySnapshot {
        var history = Fixtures.history(
            clicks: 10, pageLoads: 5, clickWatermark: Fixtures.noon, pageLoadWatermark: Fixtures.noon,
            series: ["click": [1, 2], "pageload": [0, 1], "signup": [20, 20]])
        history.summary.types["signup"] = .init(count: 40, lastEventAt: Fixtures.noon, lastReceivedAt: Fixtures.noon)
        history.summary.totalEvents += 40
        return history
    }

    static func signupFrame(id: UUID = UUID(), at time: Date = Fixtures.noon.addingTimeInterval(1)) -> String {
        let stamp = EventTimestamp.string(from: time)
        return #"{"id":"\#(id.uuidString.lowercased())","occurredAt":"\#(stamp)","properties":{"accountId":"a1","plan":"pro","seats":3},"receivedAt":"\#(stamp)","schemaVersion":1,"sessionId":"s-1","source":"v1","type":"signup","typeVersion":2}"#
    }

    @Test("a registered type's event frame decodes to a live event of its type, labelled by its properties")
    func decodesRegisteredFrames() {
        let id = UUID()
        guard case .event(let event) = StreamFrameDecoder.decode(Self.signupFrame(id: id)) else {
            Issue.record("a registered event frame should decode")
            return
        }
        #expect(event.id == id && event.type == "signup")
        #expect(event.label == "accountId=a1 plan=pro seats=3")
        #expect(event.bucketTime == Fixtures.noon.addingTimeInterval(1))
        // Without typeVersion an unknown type is not an event of a registered type.
        let stray = Self.signupFrame().replacingOccurrences(of: #","typeVersion":2"#, with: "")
        guard case .undecodable = StreamFrameDecoder.decode(stray) else {
            Issue.record("an unknown type without typeVersion should stay undecodable")
            return
        }
    }

    @Test("history and live merge per registered type: totals, rate series, and the frame lists the type")
    func mergedAndDrawn() {
        var model = Fixtures.model(Self.history())
        #expect(model.knownTypes == ["click", "pageload", "signup"])
        for _ in 0..<3 {
            guard case .event(let event) = StreamFrameDecoder.decode(Self.signupFrame()) else {
                Issue.record("frame did not decode")
                return
            }
            _ = model.update(.frame(.event(event)))
        }
        #expect(model.total(of: "signup") == 43)
        #expect(model.totalEvents == 58)
        // 20 in the previous bucket, 20 + 3 live in the current one (10 s buckets).
        #expect(model.rateSeries(of: "signup", buckets: 2) == [2.0, 2.3])
        let frame = Fixtures.render(model, 100, 30)
        #expect(frame.lines[1] == "Totals  click 10  pageload 5  signup 43")
        let chart = frame.lines.firstIndex { $0.hasPrefix("Events/s") } ?? 0
        #expect(frame.lines[chart...].contains { $0.hasPrefix("signup") }, "\(frame.text)")
        #expect(frame.line(containing: "plan=pro")?.contains("signup") == true)
    }

    @Test("a type first seen on the stream (registered after the history loaded) gets its lines at once")
    func typeFirstSeenLive() {
        var model = Fixtures.model(Fixtures.history(clicks: 1, clickWatermark: Fixtures.noon))
        #expect(!model.knownTypes.contains("signup"))
        guard case .event(let event) = StreamFrameDecoder.decode(Self.signupFrame()) else {
            Issue.record("frame did not decode")
            return
        }
        _ = model.update(.frame(.event(event)))
        #expect(model.knownTypes.last == "signup")
        #expect(model.total(of: "signup") == 1)
        #expect(Fixtures.render(model, 100, 30).lines[1] == "Totals  click 1  pageload 0  signup 1")
    }
}
