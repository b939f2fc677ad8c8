import Histogram

/// Percentiles of benchmark samples, through HdrHistogram (3 significant digits: within 0.1%
/// of the true value whatever the range), the one way every row computes them.
struct Samples {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    /// Recorded integers per unit of the samples (1e6: seconds kept to the microsecond).
    private let resolution: Double

    init(resolution: Double = 1e6) {
        self.resolution = resolution
    }

    var count: UInt64 { histogram.totalCount }

    mutating func record(_ value: Double) {
        guard value.isFinite else { return }
        _ = histogram.record(UInt64(max(0, value * resolution).rounded()))
    }

    /// `fraction` in 0...1 (0.99 for p99); NaN when nothing was recorded.
    func percentile(_ fraction: Double) -> Double {
        guard histogram.totalCount > 0 else { return .nan }
        return Double(histogram.valueAtPercentile(fraction * 100)) / resolution
    }
}

extension [Double] {
    /// `fraction` in 0...1 of these samples (a median of rounds, a latency p99).
    func percentile(_ fraction: Double) -> Double {
        var samples = Samples()
        for value in self { samples.record(value) }
        return samples.percentile(fraction)
    }
}

/// The median of repeated rounds: the figure each benchmark row reports.
func median(_ values: [Double]) -> Double { values.percentile(0.5) }
