import Testing
import TrafficSimulator

@Suite struct RatePlanTests {
    @Test func noVariationIsAFlatRate() {
        let plan = RatePlan(baseRate: 20, variation: 0, periodSeconds: 60)
        for second in stride(from: 0.0, to: 200, by: 7) { #expect(plan.rate(atSeconds: second) == 20) }
    }

    @Test func theRateSwellsAndEbbsOverAWave() {
        let plan = RatePlan(baseRate: 100, variation: 0.5, periodSeconds: 40)
        #expect(abs(plan.rate(atSeconds: 10) - 150) < 1e-9)  // crest at a quarter
        #expect(abs(plan.rate(atSeconds: 30) - 50) < 1e-9)  // trough at three quarters
        #expect(abs(plan.rate(atSeconds: 50) - 150) < 1e-9)  // the next wave
    }

    @Test func eachWaveHasABurst() {
        let plan = RatePlan(baseRate: 100, variation: 0.5, periodSeconds: 100)
        let justBefore = plan.rate(atSeconds: 49.9)
        let inBurst = plan.rate(atSeconds: 51)
        let after = plan.rate(atSeconds: 59)
        #expect(inBurst > justBefore * 2)
        #expect(inBurst > after * 2)
    }

    @Test func theRateNeverDropsToZeroAndVariationIsClamped() {
        let plan = RatePlan(baseRate: 10, variation: 3, periodSeconds: 20)
        #expect(plan.variation == 1)
        for tenth in 0..<200 { #expect(plan.rate(atSeconds: Double(tenth) / 10) >= 0.5) }
    }
}
