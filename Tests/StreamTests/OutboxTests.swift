import EDMEvents
import EDMKafka
import Hummingbird
import Testing
@testable import StreamService

extension ClientOutbox {
    /// Offers events of the test partition (slot 0).
    mutating func offer(_ events: [StreamEvent]) -> OfferOutcome {
        offer(events, slots: Array(repeating: 0, count: events.count))
    }
}

/// The per-client queue on its own: drop notices at the gap, duplicates, hand-over marks.
@Suite("Client outbox")
struct OutboxTests {
    static let partition = TopicPartition(topic: "edm-ui-click", partition: 0)

    static func event(_ offset: Int64, type: String = "click", partition: TopicPartition = partition) -> StreamEvent {
        StreamEvent(
            partition: partition, offset: offset, timestamp: offset, type: type, sessionId: "s", buttonId: "b",
            deviceType: nil, frame: ByteBuffer(string: "\(partition.partition)@\(offset)"))
    }

    /// Frames as text, control frames by kind (and count for drops).
    static func drain(_ outbox: inout ClientOutbox) -> [String] {
        var texts: [String] = []
        while true {
            let frames = outbox.take(maxCount: 7)
            if frames.isEmpty { return texts }
            for frame in frames {
                switch frame {
                case .event(let buffer): texts.append(String(buffer: buffer))
                case .events(let buffer, let count): texts.append("\(count)x" + String(buffer: buffer))
                case .control(let buffer):
                    let value = try! JSONValue.parse(String(buffer: buffer))
                    let kind = value["kind"]?.stringValue ?? "?"
                    texts.append(kind == "dropped" ? "dropped:\(value["count"]!.int64Value!)" : kind)
                case .encoded(let buffer):
                    // A complete frame: a short text frame's payload starts after two bytes.
                    let value = try! JSONValue.parse(String(buffer: buffer.getSlice(at: 2, length: buffer.readableBytes - 2)!))
                    texts.append(value["kind"]?.stringValue == "checkpoint" ? "checkpoint:\(Self.offsets(value))" : "?")
                case .close(let code, _): texts.append("close:\(code)")
                }
            }
        }
    }

    /// A checkpoint's position in the test partition.
    static func offsets(_ value: JSONValue) -> String {
        guard let text = value["cursor"]?.stringValue, let cursor = try? StreamCursor(parsing: text) else { return "?" }
        return cursor.nextOffset(topic: partition.topic, partition: partition.partition).map(String.init) ?? "-"
    }

    static func checkpoint(_ next: Int64) -> SharedCheckpoint { SharedCheckpoint(positions: [partition: next]) }

    @Test("a checkpoint follows each batch that gave the client events, coalesced while unread")
    func checkpointAfterBatches() {
        var outbox = ClientOutbox(capacity: 100, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 0], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        let millisecond: UInt64 = 1_000_000
        _ = outbox.offer([Self.event(0), Self.event(1)], slots: [0, 0], checkpoint: Self.checkpoint(2), now: 1_000 * millisecond)
        _ = outbox.offer([Self.event(2)], slots: [0], checkpoint: Self.checkpoint(3), now: 1_200 * millisecond)
        #expect(Self.drain(&outbox) == ["live", "0@0", "0@1", "checkpoint:2", "0@2", "checkpoint:3"])
    }

    @Test("checkpoints closer than the minimum interval are held back, replaced by newer ones, and flushed when due")
    func checkpointMinimumInterval() {
        var outbox = ClientOutbox(capacity: 100, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 0], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        let millisecond: UInt64 = 1_000_000
        _ = outbox.offer([Self.event(0)], slots: [0], checkpoint: Self.checkpoint(1), now: 1_000 * millisecond)
        _ = outbox.offer([Self.event(1)], slots: [0], checkpoint: Self.checkpoint(2), now: 1_010 * millisecond)
        _ = outbox.offer([Self.event(2)], slots: [0], checkpoint: Self.checkpoint(3), now: 1_020 * millisecond)
        #expect(Self.drain(&outbox) == ["live", "0@0", "checkpoint:1", "0@1", "0@2"])
        #expect(outbox.flushCheckpoint(now: 1_050 * millisecond) == false)
        #expect(outbox.flushCheckpoint(now: 1_100 * millisecond) == true)
        #expect(Self.drain(&outbox) == ["checkpoint:3"])
        #expect(outbox.flushCheckpoint(now: 1_300 * millisecond) == false)
        // A close after what is queued takes the held-back checkpoint with it.
        _ = outbox.offer([Self.event(3)], slots: [0], checkpoint: Self.checkpoint(4), now: 1_150 * millisecond)
        outbox.requestClose(code: 1001, reason: "bye", discardPending: false)
        #expect(Self.drain(&outbox) == ["0@3", "checkpoint:4", "close:1001"])
    }

    @Test("a client whose filter matches nothing still gets a checkpoint once a second, not per batch")
    func checkpointForFilteredClient() {
        var outbox = ClientOutbox(capacity: 100, policy: .drop, filter: StreamFilter(types: ["pageload"]))
        outbox.startLive(at: [Self.partition: 0], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        let second: UInt64 = 1_000_000_000
        _ = outbox.offer([Self.event(0)], slots: [0], checkpoint: Self.checkpoint(1), now: 5 * second)
        #expect(Self.drain(&outbox) == ["live", "checkpoint:1"])
        _ = outbox.offer([Self.event(1)], slots: [0], checkpoint: Self.checkpoint(2), now: 5 * second + 10)
        #expect(Self.drain(&outbox) == [])
        _ = outbox.offer([Self.event(2)], slots: [0], checkpoint: Self.checkpoint(3), now: 6 * second + 20)
        #expect(Self.drain(&outbox) == ["checkpoint:3"])
    }

    @Test("a resumed client ahead of the feed gets nothing below its cursor and no checkpoint behind it")
    func resumeAheadOfTheFeed() {
        var outbox = ClientOutbox(capacity: 100, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 3], slots: [Self.partition: 0])
        outbox.resume(from: [Self.partition: 6], slots: [Self.partition: 0])
        #expect(outbox.pushHistory(Self.event(4)) == false)
        outbox.goLive(replayed: 0)
        let second: UInt64 = 1_000_000_000
        // Positions behind the client's cursor: withheld even when a second has passed.
        _ = outbox.offer([Self.event(3), Self.event(4)], slots: [0, 0], checkpoint: Self.checkpoint(5), now: 2 * second)
        #expect(Self.drain(&outbox) == ["live"])
        _ = outbox.offer([Self.event(5)], slots: [0], checkpoint: Self.checkpoint(6), now: 4 * second)
        #expect(Self.drain(&outbox) == ["checkpoint:6"])
        _ = outbox.offer([Self.event(6)], slots: [0], checkpoint: Self.checkpoint(7), now: 5 * second)
        #expect(Self.drain(&outbox) == ["0@6", "checkpoint:7"])
    }

    @Test("the live notice carries the cursor where live delivery starts")
    func liveNoticeCursor() throws {
        var outbox = ClientOutbox(capacity: 10, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 42], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        guard case .control(let buffer)? = outbox.take(maxCount: 1).first else {
            Issue.record("no control frame")
            return
        }
        #expect(Self.offsets(try JSONValue.parse(String(buffer: buffer))) == "42")
    }

    @Test("overflow drops events and reports the count exactly where the gap is")
    func dropNoticeAtTheGap() {
        var outbox = ClientOutbox(capacity: 3, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 0], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        let first = outbox.offer((0..<5).map { Self.event($0) })
        #expect(first == .init(accepted: 3, dropped: 2, closing: false))
        #expect(Self.drain(&outbox) == ["live", "0@0", "0@1", "0@2", "dropped:2"])
        let second = outbox.offer((5..<7).map { Self.event($0) })
        #expect(second.accepted == 2)
        #expect(Self.drain(&outbox) == ["0@5", "0@6"])
    }

    @Test("offsets at or below what was delivered are dropped as duplicates")
    func duplicates() {
        var outbox = ClientOutbox(capacity: 10, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 5], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        _ = outbox.offer([Self.event(4), Self.event(5), Self.event(5), Self.event(6), Self.event(3)])
        #expect(Self.drain(&outbox) == ["live", "0@5", "0@6"])
    }

    @Test("history stops below the live start; live waits until the replay hands over")
    func handOver() {
        var outbox = ClientOutbox(capacity: 10, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 3], slots: [Self.partition: 0])
        _ = outbox.offer([Self.event(3), Self.event(4)])
        let accepted = [1, 1, 2, 3].map { outbox.pushHistory(Self.event(Int64($0))) }
        #expect(accepted == [true, false, true, false])
        #expect(Self.drain(&outbox) == ["0@1", "0@2"])
        outbox.goLive(replayed: 2)
        #expect(Self.drain(&outbox) == ["live", "0@3", "0@4"])
    }

    @Test("if live overflows during the replay, it restarts later and history covers the difference")
    func overflowDuringReplay() {
        var outbox = ClientOutbox(capacity: 2, policy: .drop, filter: .all)
        outbox.startLive(at: [Self.partition: 0], slots: [Self.partition: 0])
        _ = outbox.offer((0..<4).map { Self.event($0) })
        #expect(outbox.missedWhileReplaying == 2)
        #expect(outbox.restartLive(at: [Self.partition: 4], slots: [Self.partition: 0]) == 2)
        _ = outbox.offer([Self.event(4)])
        for offset in 0..<6 { _ = outbox.pushHistory(Self.event(Int64(offset))) }
        outbox.goLive(replayed: 4)
        #expect(Self.drain(&outbox) == ["0@0", "0@1", "0@2", "0@3", "live", "0@4"])
    }

    @Test("the close policy discards the queue and closes with 4000")
    func closePolicy() {
        var outbox = ClientOutbox(capacity: 2, policy: .close, filter: .all)
        outbox.startLive(at: [:], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        let outcome = outbox.offer((0..<3).map { Self.event($0) })
        #expect(outcome.closing)
        #expect(Self.drain(&outbox) == ["close:4000"])
        let afterClose = outbox.offer([Self.event(9)])
        #expect(afterClose.accepted == 0)
    }

    @Test("filtered-out events still advance the marks; a filter change applies from its acknowledgement")
    func filters() {
        var outbox = ClientOutbox(capacity: 10, policy: .drop, filter: StreamFilter(types: ["pageload"]))
        outbox.startLive(at: [:], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        _ = outbox.offer([Self.event(0), Self.event(1, type: "pageload")])
        outbox.filter = .all
        let kept = outbox.appendControl(.filter(.all))
        #expect(kept)
        _ = outbox.offer([Self.event(0), Self.event(2)])
        #expect(Self.drain(&outbox) == ["live", "0@1", "filter", "0@2"])
    }

    @Test("shutdown close goes after what is queued")
    func closeAfterPending() {
        var outbox = ClientOutbox(capacity: 10, policy: .drop, filter: .all)
        outbox.startLive(at: [:], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        _ = outbox.offer([Self.event(0)])
        outbox.requestClose(code: 1001, reason: "bye", discardPending: false)
        #expect(Self.drain(&outbox) == ["live", "0@0", "close:1001"])
    }

    /// A batch with its frames back to back, as the hub offers it.
    static func batch(_ offsets: [Int64], type: (Int64) -> String = { _ in "click" }) -> (events: [StreamEvent], frames: ByteBuffer?) {
        let events = offsets.map { event($0, type: type($0)) }
        let slots = Array(repeating: 0, count: events.count)
        return (events, ClientHub.concatenatedFrames(events, slots: slots, slotCount: 1))
    }

    @Test("a batch the client takes whole is one entry; otherwise it goes event by event, with the same marks")
    func wholeBatches() {
        var outbox = ClientOutbox(capacity: 5, policy: .drop, filter: StreamFilter(types: ["click"]))
        outbox.startLive(at: [Self.partition: 0], slots: [Self.partition: 0])
        outbox.goLive(replayed: 0)
        let whole = Self.batch([0, 1, 2])
        #expect(outbox.offer(whole.events, slots: [0, 0, 0], frames: whole.frames).accepted == 3)
        #expect(outbox.liveEventCount == 3)
        #expect(Self.drain(&outbox) == ["live", "3x0@00@10@2"])
        #expect(outbox.liveEventCount == 0)
        // A duplicate (offset 2, taken whole above), a filtered-out event (4), or no room: event by event.
        let mixed = Self.batch([2, 3, 4, 5]) { $0 == 4 ? "pageload" : "click" }
        #expect(outbox.offer(mixed.events, slots: [0, 0, 0, 0], frames: mixed.frames).accepted == 2)
        #expect(Self.drain(&outbox) == ["0@3", "0@5"])
        let tooMany = Self.batch([6, 7, 8, 9, 10, 11])
        #expect(outbox.offer(tooMany.events, slots: Array(repeating: 0, count: 6), frames: tooMany.frames) == .init(accepted: 5, dropped: 1))
        #expect(Self.drain(&outbox) == ["0@6", "0@7", "0@8", "0@9", "0@10", "dropped:1"])
        // Reported as dropped is passed: offset 11 is not sent later.
        let again = Self.batch([11, 12])
        #expect(outbox.offer(again.events, slots: [0, 0], frames: again.frames).accepted == 1)
        #expect(Self.drain(&outbox) == ["0@12"])
        // Offsets that do not increase get no shared frames at all.
        #expect(ClientHub.concatenatedFrames([Self.event(3), Self.event(3)], slots: [0, 0], slotCount: 1) == nil)
    }
}
