import Foundation
import Metrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics. Services record through the
/// swift-metrics API (`Counter`, `Gauge`, `Timer`, `Recorder`); `/metrics` renders this registry.
public enum PrometheusMetrics {
    private static let bootstrapped = Mutex(false)

    /// Makes this registry swift-metrics' backend. swift-metrics binds each metric to the
    /// factory present when the metric is created, so the start-up path (``ServiceStartup``) and
    /// each service's composition root (which in-process tests build directly) call this before
    /// creating any metric. Later calls do nothing.
    public static func bootstrap() {
        bootstrapped.withLock { done in
            if !done {
                var factory = PrometheusMetricsFactory(registry: PrometheusMetricsFactory.defaultRegistry)
                factory.defaultDurationHistogramBuckets = [
                    .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                    .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                    .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
                ]
                factory.nameAndLabelSanitizer = { name, labels in
                    (Self.prometheusName(name), labels.map { (Self.prometheusName($0.0), $0.1) })
                }
                MetricsSystem.bootstrap(factory)
                done = true
            }
        }
    }

    /// Prometheus names for the OpenTelemetry-style names libraries use (Hummingbird's
    /// `hb.requests`, `http.server.request.duration`): dots become underscores, and the
    /// request counter and duration get Prometheus' conventional suffixes.
    static func prometheusName(_ name: String) -> String {
        switch name {
        case "hb.requests": return "http_server_requests_total"
        case "hb.request.errors": return "http_server_request_errors_total"
        case "http.server.request.duration": return "http_server_request_duration_seconds"
        default: return name.replacingOccurrences(of: ".", with: "_")
        }
    }

    /// The text exposition format (version 0.0.4).
    public static func render() -> String {
        bootstrap()
        return PrometheusMetricsFactory.defaultRegistry.emitToString()
    }
}
