import EDMKafka
import Tracing

/// Lets a tracer write its context (`traceparent`, `tracestate`, ...) into a record's headers.
public struct KafkaHeadersInjector: Injector {
    public init() {}

    public func inject(_ value: String, forKey key: String, into carrier: inout [KafkaHeader]) {
        carrier.removeAll { $0.key == key }
        carrier.append(KafkaHeader(key: key, value: value))
    }
}

/// Lets a tracer read its context back from a consumed record's headers.
public struct KafkaHeadersExtractor: Extractor {
    public init() {}

    public func extract(key: String, from carrier: [KafkaHeader]) -> String? {
        carrier.string(named: key)
    }
}
