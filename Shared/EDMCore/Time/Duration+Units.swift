/// The one set of `Duration` conversions every module uses (C APIs, metrics, logs, rates).
extension Duration {
    /// Whole milliseconds, rounded down (librdkafka's and libpq's unit).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, rounded down (swift-metrics' `Timer` unit).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Seconds as a floating-point number (rates, `TimeInterval`).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// Milliseconds as a floating-point number (log lines, latency figures).
    public var inMilliseconds: Double { inSeconds * 1000 }
}
