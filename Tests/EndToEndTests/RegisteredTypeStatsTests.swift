import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// Issue 17 over the built executables: a type registered on the relay while stats runs is
/// counted by stats without a deploy or a migration, with exact counts per value of each field
/// the registration marks `countBy`.
@Suite("Registered types counted by stats, process by process", .serialized)
struct RegisteredTypeStatsTests {
    static let adminKey = "e2e-admin-key"
    static let clientKey = "e2e-client-key"

    static let signup = """
        {"schema": {"type": "object", "required": ["accountId", "plan"],
          "properties": {"accountId": {"type": "string", "minLength": 1, "maxLength": 64},
                         "plan": {"enum": ["free", "pro", "team"]},
                         "seats": {"type": "integer", "minimum": 1},
                         "trial": {"type": "boolean"}}},
         "owner": "growth", "description": "A visitor created an account.", "keyField": "accountId",
         "countBy": ["plan", "trial"]}
        """

    static func event(_ account: String, plan: String, trial: Bool?, id: String? = nil) -> String {
        let trialMember = trial.map { #","trial":\#($0)"# } ?? ""
        let idMember = id.map { #""id":"\#($0)","# } ?? ""
        return #"{\#(idMember)"type":"signup","occurredAt":"\#(EventTimestamp.string(from: Date()))","sessionId":"s-\#(account)","properties":{"accountId":"\#(account)","plan":"\#(plan)","seats":2\#(trialMember)}}"#
    }

    @Test("register a type with countBy on the relay, post events: stats reports exact counts per declared field value")
    func countsPerDeclaredField() async throws {
        let system = try await RunningSystem.start()
        let http = system.http
        let relay = try await ServiceProcess.start(
            "relay", environment: system.kafka.merging(["API_KEYS": Self.clientKey, "ADMIN_API_KEYS": Self.adminKey]) { $1 },
            http: http)
        let stats = try await system.stats(["STATS_SESSION_TIMEOUT_MS": "3000"])
        let admin = [("Authorization", "Bearer \(Self.adminKey)")]
        let client = [("Authorization", "Bearer \(Self.clientKey)")]

        // Unknown to stats before it is registered.
        #expect(try await http.get(stats.baseURL + "/v1/stats/types/signup").status == 404)
        let registered = try await http.postJSON(relay.baseURL + "/v1/schemas/signup", Self.signup, headers: admin)
        #expect(registered.status == 201, "\(registered.text)")

        // plan: pro 5 (one of them a client retry sent twice), free 3, team 2; trial: true 4, false 3, absent 3.
        var bodies: [String] = []
        let plans = ["pro", "pro", "pro", "pro", "free", "free", "free", "team", "team"]
        let trials: [Bool?] = [true, true, false, nil, true, false, nil, false, nil]
        for (index, plan) in plans.enumerated() { bodies.append(Self.event("acct-\(index)", plan: plan, trial: trials[index])) }
        let retried = Self.event("acct-retry", plan: "pro", trial: true, id: UUID().uuidString.lowercased())
        bodies += [retried, retried]
        for body in bodies {
            let answer = try await http.postJSON(relay.baseURL + "/v1/events", body, headers: client)
            #expect(answer.status == 202, "\(answer.text)")
        }
        // A batch of two more in one request.
        let batch = "[" + Self.event("acct-b1", plan: "free", trial: nil) + "," + Self.event("acct-b2", plan: "team", trial: false) + "]"
        #expect(try await http.postJSON(relay.baseURL + "/v1/events", batch, headers: client).status == 202)

        let expectedPlans: [String: Int64] = ["pro": 5, "free": 4, "team": 3]
        let expectedTrials: [String: Int64] = ["true": 4, "false": 4]
        var last: JSONValue?
        let counted = try await eventually(timeout: .seconds(60)) {
            last = try await http.get(stats.baseURL + "/v1/stats/types/signup").json
            return last?["count"]?.int64Value == 12
        }
        #expect(counted, "stats never counted 12 signups: \(String(describing: last))")
        func values(_ field: String) -> [String: Int64] {
            let entry = last?["countBy"]?.arrayValue?.first { $0["field"]?.stringValue == field }
            var result: [String: Int64] = [:]
            for item in entry?["values"]?.arrayValue ?? [] {
                if let value = item["value"]?.stringValue, let count = item["count"]?.int64Value { result[value] = count }
            }
            return result
        }
        #expect(values("plan") == expectedPlans)
        #expect(values("trial") == expectedTrials)
        #expect(last?["builtIn"] == false)

        let types = try await http.get(stats.baseURL + "/v1/stats/types").json
        let names = (types?["types"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
        #expect(names.starts(with: ["click", "pageload"]) && names.contains("signup"), "\(names)")
        let cursor = try await http.get(stats.baseURL + "/v1/stats/cursor").json
        let topics = Set((cursor?["positions"]?.arrayValue ?? []).compactMap { $0["topic"]?.stringValue })
        #expect(topics.contains("edm-ui-signup"), "\(topics)")
        #expect(cursor?["totalEvents"]?.int64Value == 12)

        // The dashboard lists the type with its totals and a rate line (stats only, no stream).
        let snapshot = try await runCommand(
            BuiltProducts.executable("dashboard-tui").path,
            ["--snapshot", "--stats-url", stats.baseURL, "--width", "100", "--height", "30"], timeout: .seconds(60))
        let frame = String(decoding: snapshot.stdout, as: UTF8.self)
        #expect(snapshot.status == 0, "dashboard-tui --snapshot: \(snapshot.stderr)")
        let lines = frame.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Totals") && $0.contains("signup 12") }, "\(frame)")
        let chart = lines.firstIndex { $0.hasPrefix("Events/s") } ?? lines.count
        #expect(lines[chart...].contains { $0.hasPrefix("signup") }, "\(frame)")

        #expect(try await stats.terminate() == 0)
        #expect(try await relay.terminate() == 0)
    }
}
