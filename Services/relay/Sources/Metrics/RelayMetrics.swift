import EDMEvents
import EDMHTTP
import Metrics

/// The relay's Prometheus series, recorded through swift-metrics (rendered by `/metrics`).
///
/// - `http_server_requests_total{http_route,http_request_method,http_response_status_code}`:
///   every request, by matched route (Hummingbird's metrics middleware, on every service).
/// - `relay_events_accepted_total{type}`: events acknowledged by the broker.
/// - `relay_events_rejected_total{type,reason}`: events refused, by why (see ``RejectionReason``).
/// - `relay_produce_duration_seconds`: enqueue to last acknowledgement, per request.
/// - `relay_producer_queue_depth`: messages waiting in librdkafka for an acknowledgement.
public enum RelayMetrics {
    /// Why events were not accepted; the `reason` label.
    public enum RejectionReason: String, Sendable, CaseIterable {
        case malformedJSON = "malformed_json"
        case invalid
        /// Valid, but in a batch with an invalid event (a batch is accepted whole or not at all).
        case batchRejected = "batch_rejected"
        case tooLarge = "too_large"
        case timeout
        case queueFull = "queue_full"
        case brokerError = "broker_error"
        case shuttingDown = "shutting_down"
    }

    /// The `type` label when the event type could not be told (malformed JSON, no valid `type`).
    public static let unknownType = "unknown"
    /// The label of rejected events of runtime-registered types (names chosen by clients'
    /// admins are not trusted as labels before they validate).
    public static let registeredType = "registered"

    static func accepted(type: String, count: Int = 1) {
        (acceptedCounters[type] ?? Counter(label: "relay_events_accepted_total", dimensions: [("type", type)]))
            .increment(by: count)
    }

    static func rejected(type: String, reason: RejectionReason, count: Int = 1) {
        Counter(label: "relay_events_rejected_total", dimensions: [("type", type), ("reason", reason.rawValue)])
            .increment(by: count)
    }

    static func produceDuration(_ duration: Duration) {
        produceTimer.recordNanoseconds(nanoseconds(duration))
    }

    static func queueDepth(_ depth: Int) {
        queueDepthGauge.record(depth)
    }

    // The metrics every accepted request records, made once: making one asks the registry
    // (a lock, a lookup and the name sanitizer's strings) on every request otherwise. Created on
    // first use, which comes after `PrometheusMetrics.bootstrap()` in the composition root.
    private static let acceptedCounters = Dictionary(
        uniqueKeysWithValues: EventRegistry.standard.typeNames.map {
            ($0, Counter(label: "relay_events_accepted_total", dimensions: [("type", $0)]))
        })
    private static let produceTimer = Timer(label: "relay_produce_duration_seconds")
    private static let queueDepthGauge = Gauge(label: "relay_producer_queue_depth")

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
