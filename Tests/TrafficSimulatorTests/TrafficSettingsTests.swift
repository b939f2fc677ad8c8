import EDMCore
import Testing

@testable import TrafficSimulator

/// Options win over config vars; a bad value is refused naming its variable or option.
@Suite struct TrafficSettingsTests {
    func settings(_ arguments: [String] = [], _ variables: [String: String] = [:]) throws -> TrafficSettings {
        try TrafficCommand.parse(arguments).makeSettings(ConfigVars(variables))
    }

    func configError(_ arguments: [String] = [], _ variables: [String: String] = [:]) -> String? {
        do {
            _ = try settings(arguments, variables)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func defaults() throws {
        let defaults = try settings()
        #expect(defaults.relayURL == "http://localhost:5001")
        #expect(defaults.plan.baseRate == 20)
        #expect(defaults.concurrentSessions == 12)
        #expect(defaults.apiKey == nil)
    }

    @Test func configVarsAreReadAndOptionsWin() throws {
        let variables = [
            "RELAY_URL": "https://relay.example.com", "TRAFFIC_RATE": "5", "TRAFFIC_SEED": "99",
            "TRAFFIC_SESSIONS": "3", "RELAY_API_KEY": "k1", "TRAFFIC_LEGACY_SHARE": "0.5",
        ]
        let fromVariables = try settings([], variables)
        #expect(fromVariables.relayURL == "https://relay.example.com")
        #expect(fromVariables.plan.baseRate == 5)
        #expect(fromVariables.seed == 99)
        #expect(fromVariables.concurrentSessions == 3)
        #expect(fromVariables.apiKey == "k1")
        #expect(fromVariables.legacyShare == 0.5)
        let overridden = try settings(["--rate", "7", "--seed", "1", "--relay-url", "http://127.0.0.1:9"], variables)
        #expect(overridden.plan.baseRate == 7)
        #expect(overridden.seed == 1)
        #expect(overridden.relayURL == "http://127.0.0.1:9")
    }

    @Test(arguments: [
        ([String](), ["TRAFFIC_RATE": "fast"], "TRAFFIC_RATE"),
        ([String](), ["TRAFFIC_RATE": "0"], "TRAFFIC_RATE"),
        ([String](), ["RELAY_URL": "relay:5001"], "RELAY_URL"),
        ([String](), ["TRAFFIC_VARIATION": "2"], "TRAFFIC_VARIATION"),
        ([String](), ["TRAFFIC_LEGACY_SHARE": "-0.1"], "TRAFFIC_LEGACY_SHARE"),
        ([String](), ["TRAFFIC_SESSIONS": "0"], "TRAFFIC_SESSIONS"),
        ([String](), ["TRAFFIC_SEED": "-3"], "TRAFFIC_SEED"),
        ([String](), ["TRAFFIC_PERIOD_SECONDS": "0.5"], "TRAFFIC_PERIOD_SECONDS"),
        (["--count", "0"], [String: String](), "--count"),
        (["--duration", "0"], [String: String](), "--duration"),
        (["--max-in-flight", "0"], [String: String](), "--max-in-flight"),
    ])
    func badValuesNameTheirVariable(arguments: [String], variables: [String: String], name: String) {
        let message = configError(arguments, variables)
        #expect(message?.contains(name) == true, "got \(message ?? "no error")")
    }

    @Test func signupShareAndAdminKey() throws {
        #expect(try settings().signupShare == 0)
        let fromVariables = try settings([], ["TRAFFIC_SIGNUP_SHARE": "0.25", "RELAY_ADMIN_KEY": "admin"])
        #expect(fromVariables.signupShare == 0.25)
        #expect(fromVariables.adminKey == "admin")
        #expect(try settings(["--signup-share", "1"], ["TRAFFIC_SIGNUP_SHARE": "0.25"]).signupShare == 1)
        #expect(configError([], ["TRAFFIC_SIGNUP_SHARE": "2"])?.contains("TRAFFIC_SIGNUP_SHARE") == true)
        #expect(configError([], ["TRAFFIC_SIGNUP_SHARE": "some"])?.contains("TRAFFIC_SIGNUP_SHARE") == true)
    }
}
