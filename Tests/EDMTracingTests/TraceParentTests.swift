import EDMTracing
import Testing

@Suite("W3C traceparent")
struct TraceParentTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("a valid value is read and written back unchanged")
    func roundTrip() throws {
        let parent = try #require(TraceParent(header: Self.valid))
        #expect(parent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.spanIDString == "00f067aa0ba902b7")
        #expect(parent.isSampled)
        #expect(parent.header == Self.valid)
    }

    @Test(
        "values breaking the W3C rules are refused",
        arguments: [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // no flags
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero parent id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // forbidden version
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // v00 with more
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // separator
            "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",  // not hex
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.x",  // later version, bad tail
        ])
    func invalid(_ header: String) {
        #expect(TraceParent(header: header) == nil)
    }

    @Test("a later version is read by its version 00 prefix")
    func laterVersion() throws {
        let parent = try #require(TraceParent(header: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds"))
        #expect(parent.header == Self.valid)
    }

    @Test("new traces and span ids are distinct and well formed")
    func generated() throws {
        let traces = (0..<1000).map { _ in TraceIDGenerator.newTrace() }
        #expect(Set(traces.map(\.traceID)).count == 1000)
        for trace in traces {
            #expect(TraceParent(header: trace.header) == trace)
        }
        let ids = SpanIDSequence(seed: 42)
        #expect(Set((0..<10_000).map(ids.id)).count == 10_000)
        #expect(!(0..<10_000).map(ids.id).contains(0))
    }

    @Test("tracestate within the limits is kept, beyond them dropped")
    func traceState() {
        #expect(TraceState.validated("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE") == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        #expect(TraceState.validated(String(repeating: "a", count: 513)) == nil)
        #expect(TraceState.validated("a=1\n") == nil)
        #expect(TraceState.validated((0..<33).map { "k\($0)=v" }.joined(separator: ",")) == nil)
    }
}
