import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import Hummingbird
import HummingbirdCore
import Testing
@testable import StreamService

@Suite("Query strings and client messages")
struct ParsingTests {
    static func query(_ text: String) throws(APIError) -> StreamQuery {
        try StreamQuery(parameters: URI("/v1/stream?\(text)").queryParameters, maxLast: 100)
    }

    @Test("query parameters become a filter and a replay request")
    func validQuery() throws {
        let parsed = try Self.query("types=click&buttonId=a%2Cb&buttonId=c&deviceType=mobile,tablet&sessionId=s1&last=7&token=x")
        #expect(parsed.filter == StreamFilter(types: ["click"], buttonIds: ["a,b", "c"], deviceTypes: [.mobile, .tablet], sessionId: "s1"))
        #expect(parsed.replay == .last(7))
        let since = try Self.query("since=2024-05-01T12:00:00.5%2B02:00")
        #expect(since.replay == .since(EventTimestamp.milliseconds(from: EventTimestamp.date(from: "2024-05-01T10:00:00.500Z")!)))
        #expect(try Self.query("").filter == .all)
    }

    @Test("every problem of a query is reported with its parameter")
    func invalidQuery() {
        #expect((try? Self.query("last=101")) == nil)
        do {
            _ = try Self.query("types=click,nope&deviceType=fridge&sessionId=a&sessionId=b&since=x&last=1&extra=1")
            Issue.record("expected an error")
        } catch {
            #expect(error.status == .badRequest)
            #expect(Set(error.details.map(\.path)) == ["types[1]", "deviceType[0]", "sessionId", "since", "extra"])
        }
    }

    @Test("filter messages: strings or arrays, null clears; anything else is an error frame")
    func messages() throws {
        #expect(try ClientMessage.parse(#"{"filter": {"types": "click", "buttonId": ["x", "y"]}}"#).get()
            == .setFilter(StreamFilter(types: ["click"], buttonIds: ["x", "y"])))
        #expect(try ClientMessage.parse(#"{"filter": null}"#).get() == .setFilter(.all))
        #expect(try ClientMessage.parse(#"{"filter": {"sessionId": null}}"#).get() == .setFilter(.all))
        func code(_ text: String) -> String? {
            guard case .failure(let error) = ClientMessage.parse(text), case .error(let code, _, _) = error.frame else { return nil }
            return code
        }
        #expect(code("{") == "malformed_json")
        #expect(code("[]") == "unknown_message")
        #expect(code(#"{"filter": {}, "more": 1}"#) == "unknown_message")
        #expect(code(#"{"filter": 3}"#) == "bad_filter")
        #expect(code(#"{"filter": {"types": [1]}}"#) == "bad_filter")
        #expect(code(#"{"filter": {"buttonId": ""}}"#) == "bad_filter")
    }
}

@Suite("Recent events and history selection")
struct RecentEventsTests {
    static let p0 = TopicPartition(topic: "t", partition: 0)
    static let p1 = TopicPartition(topic: "t", partition: 1)

    static func event(_ partition: TopicPartition, _ offset: Int64, at time: Int64, button: String = "b") -> StreamEvent {
        StreamEvent(
            partition: partition, offset: offset, timestamp: time, type: "click", sessionId: "s", buttonId: button,
            deviceType: nil, frame: ByteBuffer())
    }

    @Test("the ring covers a range only when it holds every event of it")
    func coverage() {
        var recent = RecentEvents(capacity: 3)
        recent.track(Self.p0, from: 10, sinceTime: 1_000)
        recent.track(Self.p1, from: 0, sinceTime: .min)
        recent.append(Self.event(Self.p0, 10, at: 1_001))
        recent.append(Self.event(Self.p1, 0, at: 1_002))
        #expect(recent.covers([Self.p0: 10..<11, Self.p1: 0..<1]))
        #expect(!recent.covers([Self.p0: 9..<11]))
        #expect(recent.covers([Self.p0: 9..<9]))  // empty ranges are always covered
        recent.append(Self.event(Self.p0, 11, at: 1_003))
        recent.append(Self.event(Self.p0, 12, at: 1_004))  // evicts p0@10
        #expect(!recent.covers([Self.p0: 10..<13]))
        #expect(recent.covers([Self.p0: 11..<13]))
        #expect(recent.events(in: [Self.p0: 11..<13, Self.p1: 0..<1]).map(\.offset) == [0, 11, 12])
    }

    @Test("a record with an extreme timestamp or offset leaves the ring without trapping")
    func extremeValues() {
        var recent = RecentEvents(capacity: 1)
        recent.track(Self.p0, from: 0, sinceTime: .min)
        recent.append(Self.event(Self.p0, 0, at: .max))
        recent.append(Self.event(Self.p0, .max, at: .min))  // evicts the Int64.max timestamp
        recent.append(Self.event(Self.p0, 1, at: 1_000))  // evicts the Int64.max offset
        #expect(recent.count == 1)
        #expect(!recent.covers([Self.p0: 1..<2]))  // covered from Int64.max on, nothing below
        #expect(recent.startOffsets(since: 0, ending: [Self.p0: 2]) == nil)
        #expect(Int64.max.saturatingSuccessor == .max)
        #expect(Int64.max.saturatingAdding(5) == .max && Int64.min.saturatingSubtracting(5) == .min)
    }

    @Test("since: start offsets from the ring only when no older event can be elsewhere")
    func sinceFromRing() {
        var recent = RecentEvents(capacity: 10)
        recent.track(Self.p0, from: 5, sinceTime: 1_000)
        recent.track(Self.p1, from: 0, sinceTime: .min)
        recent.append(Self.event(Self.p0, 5, at: 1_010))
        recent.append(Self.event(Self.p0, 6, at: 1_020))
        recent.append(Self.event(Self.p1, 0, at: 1_015))
        let ends = [Self.p0: Int64(7), Self.p1: Int64(1)]
        #expect(recent.startOffsets(since: 1_012, ending: ends) == [Self.p0: 6, Self.p1: 0])
        #expect(recent.startOffsets(since: 1_030, ending: ends) == [Self.p0: 7, Self.p1: 1])
        #expect(recent.startOffsets(since: 999, ending: ends) == nil)  // p0 may have older events in Kafka
    }

    @Test("last=N keeps the N latest matching events, each partition in offset order")
    func mostRecent() {
        let events = [
            Self.event(Self.p0, 0, at: 10), Self.event(Self.p1, 0, at: 11), Self.event(Self.p0, 1, at: 12, button: "x"),
            Self.event(Self.p1, 1, at: 13), Self.event(Self.p0, 2, at: 14),
        ]
        let chosen = Replayer.mostRecent(3, of: events, matching: .all)
        #expect(chosen.map { "\($0.partition.partition)@\($0.offset)" } == ["0@1", "1@1", "0@2"])
        let filtered = Replayer.mostRecent(2, of: events, matching: StreamFilter(buttonIds: ["b"]))
        #expect(filtered.map { "\($0.partition.partition)@\($0.offset)" } == ["1@1", "0@2"])
    }
}
