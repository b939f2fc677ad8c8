import Foundation
import Testing
import TestSupport

/// Every executable's `--help` lists its config vars in one format: a `CONFIG VARS:` heading,
/// then one line per variable, name first, `(default: ...)` last when there is one.
@Suite struct HelpFormatTests {
    static let executables: [(name: String, variables: [String])] = [
        ("relay", ["PORT", "KAFKA_URL", "API_KEYS", "LOG_LEVEL"]),
        ("stats", ["PORT", "DATABASE_URL", "KAFKA_URL", "STATS_CONSUMER_GROUP", "LOG_LEVEL"]),
        ("stream", ["PORT", "KAFKA_URL", "STREAM_TOKENS", "LOG_LEVEL"]),
        ("alerts", ["PORT", "KAFKA_URL", "ALERT_RULES", "ALERT_RULES_FILE", "LOG_LEVEL"]),
        ("dashboard-tui", ["DASHBOARD_STATS_URL", "DASHBOARD_STREAM_URL", "LOG_LEVEL"]),
        ("traffic-sim", ["RELAY_URL", "TRAFFIC_RATE", "LOG_LEVEL"]),
    ]

    @Test(arguments: executables.map(\.name))
    func configVarsListedInOneFormat(executable: String) async throws {
        let expected = try #require(Self.executables.first { $0.name == executable }?.variables)
        let outcome = try await Spawned.run(
            BuiltProducts.executable(executable), arguments: ["--help"], environment: [:], timeout: .seconds(20))
        guard case .exited(let status, let stdout, _) = outcome else {
            Issue.record("\(executable) --help did not exit: \(outcome)")
            return
        }
        #expect(status == 0)
        let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let heading = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "CONFIG VARS:" })
        // The section runs to the first blank line: a line per variable, two spaces in, then
        // deeper-indented continuation lines of its summary; none wider than the 80 columns
        // ArgumentParser assumes.
        let section = Array(lines[(heading + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        #expect(section.allSatisfy { $0.count <= 80 }, "\(section.filter { $0.count > 80 })")
        let variableLines = section.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
        #expect(section.allSatisfy { $0.hasPrefix("  ") }, "\(section)")
        let names = variableLines.compactMap { $0.split(separator: " ").first.map(String.init) }
        for variable in expected {
            #expect(names.contains(variable), "\(executable) --help lacks \(variable) in CONFIG VARS: \(stdout)")
        }
        #expect(names.allSatisfy { $0.allSatisfy { $0.isUppercase || $0 == "_" || $0.isNumber } }, "\(names)")
        let logLevel = try #require(section.firstIndex { $0.hasPrefix("  LOG_LEVEL ") })
        let logLevelText = section[logLevel...].prefix { $0 == section[logLevel] || $0.hasPrefix("   ") }.joined()
        #expect(logLevelText.hasSuffix("(default: info)"), "\(logLevelText)")
    }
}
