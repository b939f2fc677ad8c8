import Logging
import Tracing

/// `trace_id` and `span_id` on every log line written inside a traced task: the recording
/// span's ids when a tracer runs, else the ids this process carries without one
/// (``EventTraceKey``). Installed once as the logging system's metadata provider.
public enum TraceLogMetadata {
    public static let traceIDKey = "trace_id"
    public static let spanIDKey = "span_id"

    public static let provider = Logger.MetadataProvider {
        guard let context = ServiceContext.current, let trace = TraceLogMetadata.trace(in: context) else { return [:] }
        return [traceIDKey: .string(trace.traceID), spanIDKey: .string(trace.spanIDString)]
    }

    /// The trace context `context` stands for: the tracer's (its current span) first, then ours.
    public static func trace(in context: ServiceContext) -> TraceParent? {
        if let recorded = TracerContext.traceParent(of: context) { return recorded }
        return context.eventTrace
    }

    /// Metadata naming `trace` (for a logger that outlives the traced task).
    public static func metadata(_ trace: TraceParent) -> Logger.Metadata {
        [traceIDKey: .string(trace.traceID), spanIDKey: .string(trace.spanIDString)]
    }
}

/// What the bootstrapped tracer says about a context, read through its own propagation (so
/// this works with any tracer that speaks W3C trace context, and costs nothing with none).
public enum TracerContext {
    /// True when a tracer other than `NoOpTracer` is bootstrapped.
    public static var isActive: Bool { !(InstrumentationSystem.tracer is NoOpTracer) }

    /// The `traceparent` the tracer would inject for `context`, parsed; nil without a tracer
    /// or without a span in the context.
    public static func traceParent(of context: ServiceContext) -> TraceParent? {
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: DictionaryInjector())
        return carrier[TraceHeaderName.traceparent].flatMap { TraceParent(header: $0) }
    }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}

/// The W3C header names, the same in HTTP and in Kafka record headers.
public enum TraceHeaderName {
    public static let traceparent = "traceparent"
    public static let tracestate = "tracestate"
}
