/// How busy the shop is over time: a base rate that swells and ebbs in waves, with a short
/// "flash sale" burst in every wave, so the dashboard's rate chart has something to show.
public struct RatePlan: Sendable, Equatable {
    /// Mean events per second.
    public var baseRate: Double
    /// 0 gives a flat rate; 0.5 swings between half and one and a half times the base.
    public var variation: Double
    /// Length of one wave, in seconds.
    public var periodSeconds: Double

    public init(baseRate: Double, variation: Double = 0.5, periodSeconds: Double = 60) {
        self.baseRate = baseRate
        self.variation = min(max(variation, 0), 1)
        self.periodSeconds = max(periodSeconds, 1)
    }

    /// Share of each wave spent in the burst, and how much busier the burst is.
    static let burstShare = 0.08
    static let burstFactor = 2.5

    /// Events per second `seconds` into the run.
    public func rate(atSeconds seconds: Double) -> Double {
        guard variation > 0 else { return baseRate }
        let phase = seconds.truncatingRemainder(dividingBy: periodSeconds) / periodSeconds
        var rate = baseRate * (1 + variation * sin(2 * Double.pi * phase))
        if phase >= 0.5 && phase < 0.5 + Self.burstShare {
            rate *= Self.burstFactor
        }
        return max(rate, baseRate * 0.05)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
