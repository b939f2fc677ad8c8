import Synchronization

/// New trace and span ids without a system call per id: a process-wide counter mixed by
/// splitmix64 from a random seed. Unique within the process and unpredictable enough for trace
/// ids (W3C asks for randomness, not secrecy); a getrandom(2) per request would cost more than
/// the rest of the tracing work of an untraced request.
public enum TraceIDGenerator {
    private static let seed = UInt64.random(in: 1...UInt64.max)
    private static let counter = Atomic<UInt64>(0)

    public static func next() -> UInt64 {
        let n = counter.add(1, ordering: .relaxed).newValue
        return SpanIDSequence(seed: seed).id(Int(truncatingIfNeeded: n))
    }

    /// A new sampled trace with a new span id.
    public static func newTrace() -> TraceParent {
        TraceParent(traceIDHigh: next(), traceIDLow: next(), spanID: next(), flags: 1)
    }
}
