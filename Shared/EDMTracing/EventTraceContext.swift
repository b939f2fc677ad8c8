import Tracing

/// The trace an event or request belongs to, as this process knows it without a tracer: the
/// validated incoming `traceparent` (or a new trace) with this hop's own span id. It travels in
/// the task's `ServiceContext`, so log lines and Kafka headers can name the trace even when
/// spans are not recorded (`NoOpTracer`).
public enum EventTraceKey: ServiceContextKey {
    public typealias Value = TraceParent
    public static var nameOverride: String? { "edm-event-trace" }
}

/// The `tracestate` that came with the trace, forwarded unchanged.
public enum EventTraceStateKey: ServiceContextKey {
    public typealias Value = String
    public static var nameOverride: String? { "edm-event-tracestate" }
}

extension ServiceContext {
    public var eventTrace: TraceParent? {
        get { self[EventTraceKey.self] }
        set { self[EventTraceKey.self] = newValue }
    }

    public var eventTraceState: String? {
        get { self[EventTraceStateKey.self] }
        set { self[EventTraceStateKey.self] = newValue }
    }
}

/// Span ids for hops that record no span: distinct per index for one seed (splitmix64 is a
/// bijection), so a request needs one random number however many records it writes.
public struct SpanIDSequence: Sendable {
    private let seed: UInt64

    public init(seed: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.seed = seed
    }

    public func id(_ index: Int) -> UInt64 {
        var z = seed &+ UInt64(truncatingIfNeeded: index + 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z == 0 ? 1 : z
    }
}
