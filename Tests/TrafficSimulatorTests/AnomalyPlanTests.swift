import EDMCore
import EDMEvents
import Testing

@testable import TrafficSimulator

/// The anomaly cycle: a click burst from one session, a wave of crawler page loads, a silence.
@Suite struct AnomalyPlanTests {
    let plan = AnomalyPlan()

    @Test func phasesRepeatEveryCycle() {
        #expect(plan.phase(atSeconds: 0) == .normal)
        #expect(plan.phase(atSeconds: 22) == .clickBurst)
        #expect(plan.phase(atSeconds: 50) == .botWave)
        #expect(plan.phase(atSeconds: 120) == .silence)
        #expect(plan.phase(atSeconds: 178) == .normal)
        #expect(plan.phase(atSeconds: AnomalyPlan.cycleSeconds + 22) == .clickBurst)
    }

    @Test func theBurstIsOneSessionAboveTheDefaultCriticalAndTheWaveIsCrawlers() {
        var random = SeededRandom(seed: 1)
        let catalog = StorefrontCatalog.reference
        let burst = (0..<50).compactMap {
            plan.event(.clickBurst, cycle: 2, catalog: catalog, random: &random, nowMilliseconds: $0)
        }
        #expect(Set(burst.map(\.sessionID)) == ["anomaly-burst-2"])
        // 10 a second for 5 s reaches the default session-click-burst critical (30 in 10 s).
        #expect(plan.extraRate(.clickBurst) * 5 >= 30)
        let wave = plan.event(.botWave, cycle: 0, catalog: catalog, random: &random, nowMilliseconds: 0)
        guard case .pageload(_, let userAgent, _)? = wave?.payload else {
            Issue.record("the bot wave sends page loads")
            return
        }
        #expect(DeviceType(userAgent: userAgent) == .bot)
        #expect(plan.event(.silence, cycle: 0, catalog: catalog, random: &random, nowMilliseconds: 0) == nil)
    }

    @Test func settingsReadTheAnomalySwitch() throws {
        #expect(try TrafficCommand.parse(["--anomalies"]).makeSettings(ConfigVars([:])).anomalies)
        #expect(try TrafficCommand.parse([]).makeSettings(ConfigVars(["TRAFFIC_ANOMALIES": "true"])).anomalies)
        #expect(try !TrafficCommand.parse([]).makeSettings(ConfigVars([:])).anomalies)
        #expect(throws: ConfigError.self) { try TrafficCommand.parse([]).makeSettings(ConfigVars(["TRAFFIC_ANOMALIES": "maybe"])) }
    }
}
