extension Duration {
    /// Whole milliseconds, rounded down (librdkafka's and Prometheus' unit).
    var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
