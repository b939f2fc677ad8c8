import Metrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics. Services record through the
/// swift-metrics API (`Counter`, `Gauge`, `Timer`, `Recorder`); `/metrics` renders this registry.
public enum PrometheusMetrics {
    private static let bootstrapped = Mutex(false)

    /// The registry, bootstrapping swift-metrics on first use (safe to call from tests many times).
    public static var registry: PrometheusCollectorRegistry {
        bootstrapped.withLock { done in
            if !done {
                var factory = PrometheusMetricsFactory(registry: PrometheusMetricsFactory.defaultRegistry)
                factory.defaultDurationHistogramBuckets = [
                    .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                    .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                    .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
                ]
                MetricsSystem.bootstrap(factory)
                done = true
            }
        }
        return PrometheusMetricsFactory.defaultRegistry
    }

    /// The text exposition format (version 0.0.4).
    public static func render() -> String {
        registry.emitToString()
    }
}
