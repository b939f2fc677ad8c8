import EDMKafka
import EDMTracing
import Tracing

/// The stream's consumer spans: one `process {topic}` span per record handed to the clients,
/// a child of the relay's producer span named in the record's `traceparent`. The feed joins no
/// consumer group, so the spans name none. Costs one check per batch without a tracer.
enum FeedTracing {
    static let tracing = ConsumerTracing(group: nil)

    static func process(_ batch: [KafkaMessage], _ body: () -> Void) {
        guard let spans = tracing.startRecordSpans(batch) else { return body() }
        body()
        for span in spans { span.end() }
    }
}
