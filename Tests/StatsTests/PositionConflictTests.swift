import EDMCore
import EDMKafka
@testable import StatsService
import Testing

@Suite("Position conflicts and STATS_ON_POSITION_RESET")
struct PositionConflictTests {
    let partition = TopicPartition(topic: "edm-ui-click", partition: 3)

    @Test("a stored next offset inside low...high is no conflict; above high is beyond the end; below low is before the start")
    func classification() throws {
        #expect(PositionConflict.check(partition, stored: 0, low: 0, high: 0) == nil)
        #expect(PositionConflict.check(partition, stored: 7, low: 5, high: 7) == nil)
        #expect(PositionConflict.check(partition, stored: 5, low: 5, high: 9) == nil)
        let beyond = try #require(PositionConflict.check(partition, stored: 120, low: 0, high: 6))
        #expect(beyond.kind == .beyondEnd)
        #expect(beyond.lostEvents == 0)
        let trimmedNewLog = try #require(PositionConflict.check(partition, stored: 120, low: 40, high: 60))
        #expect(trimmedNewLog.kind == .beyondEnd)
        #expect(trimmedNewLog.lostEvents == 40)
        let before = try #require(PositionConflict.check(partition, stored: 15, low: 52, high: 70))
        #expect(before.kind == .beforeStart)
        #expect(before.lostEvents == 37)
        #expect(before.description.contains("edm-ui-click[3] stored next offset 15 is before the partition's start 52"))
        #expect(!before.description.contains(","), "/ready lists problems comma-separated")
        #expect(!beyond.description.contains(","))
    }

    @Test("the policy: fail holds both kinds, reset resets both, auto (the default) resets only retention losses")
    func policy() throws {
        #expect(try PositionResetPolicy.fromEnvironment(ConfigVars([:])) == .auto)
        #expect(try PositionResetPolicy.fromEnvironment(ConfigVars(["STATS_ON_POSITION_RESET": " Reset "])) == .reset)
        #expect(throws: ConfigError.self) { try PositionResetPolicy.fromEnvironment(ConfigVars(["STATS_ON_POSITION_RESET": "ignore"])) }
        #expect(!PositionResetPolicy.fail.resets(.beyondEnd) && !PositionResetPolicy.fail.resets(.beforeStart))
        #expect(PositionResetPolicy.reset.resets(.beyondEnd) && PositionResetPolicy.reset.resets(.beforeStart))
        #expect(!PositionResetPolicy.auto.resets(.beyondEnd) && PositionResetPolicy.auto.resets(.beforeStart))
        #expect(StatsConfigVariables.all.contains { $0.name == "STATS_ON_POSITION_RESET" && $0.defaultValue == "auto" })
    }
}
