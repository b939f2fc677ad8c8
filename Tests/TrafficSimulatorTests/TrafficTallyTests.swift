import Foundation
import Testing

@testable import TrafficSimulator

@Suite struct TrafficTallyTests {
    @Test func theSummaryLineCountsEveryOutcome() throws {
        let tally = TrafficTally()
        for _ in 0..<5 { tally.recordGenerated() }
        tally.record(kind: .click, outcome: .accepted, retries: 0)
        tally.record(kind: .click, outcome: .accepted, retries: 2)
        tally.record(kind: .pageload, outcome: .accepted, retries: 0)
        tally.record(kind: .pageload, outcome: .refused(status: 400, message: "bad"), retries: 0)
        tally.record(kind: .click, outcome: .failed(reason: "connection refused"), retries: 3)
        let snapshot = tally.snapshot
        #expect(snapshot.acceptedTotal == 3)
        #expect(snapshot.settled == 5)
        let line = snapshot.summaryJSON
        #expect(!line.contains("\n"))
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(decoded?["generated"] as? Int == 5)
        #expect(decoded?["acceptedTotal"] as? Int == 3)
        #expect((decoded?["accepted"] as? [String: Int]) == ["click": 2, "pageload": 1])
        #expect((decoded?["refused"] as? [String: Int]) == ["400": 1])
        #expect(decoded?["failed"] as? Int == 1)
        #expect(decoded?["retries"] as? Int == 5)
        #expect((decoded?["lastProblem"] as? String)?.contains("connection refused") == true)
    }
}
