@testable import AlertsService
import EDMCore
import EDMEvents
import Testing

/// Rules are refused at start with the rule's name, the field and why.
@Suite struct RuleParserTests {
    @Test func defaultRulesParseAndCoverTheStorefront() throws {
        let rules = try RuleParser.parse(DefaultRules.json)
        #expect(rules.map(\.name) == ["session-click-burst", "bot-pageloads", "hot-product", "pageloads-stopped"])
        let burst = try #require(rules.first)
        #expect(burst.windowMilliseconds == 10_000 && burst.slideMilliseconds == 10_000 && burst.graceMilliseconds == 5_000)
        #expect(burst.keyField?.description == "sessionId")
        let stopped = try #require(rules.last)
        #expect(stopped.direction == .below && stopped.keyField == nil && stopped.critical == 0)
        #expect(rules[1].conditions.first?.field.description == "properties.deviceType")
        #expect(rules[2].slideMilliseconds == 10_000 && rules[2].windowMilliseconds == 60_000)
    }

    @Test func defaultsFillSlideGraceDirectionAndResolve() throws {
        let rule = Fixtures.rule(#"{"name": "r", "eventType": "click", "window": "1m", "warning": 10, "critical": 20}"#)
        #expect(rule.slideMilliseconds == 60_000 && rule.graceMilliseconds == 5_000)
        #expect(rule.direction == .above && rule.resolveAt == 5 && rule.keyField == nil)
    }

    @Test(arguments: [
        (#"{"name": "x", "eventType": "click", "window": "10s", "warning": 3, "critical": 5, "colour": 1}"#,
         "rule \"x\": colour is not a rule member"),
        (#"{"name": "x", "eventType": "purchase", "window": "10s", "warning": 3, "critical": 5}"#,
         "rule \"x\": eventType must be one of: click, pageload; got purchase"),
        (#"{"name": "x", "eventType": "click", "key": "properties.url", "window": "10s", "warning": 3, "critical": 5}"#,
         "rule \"x\": key names no field of click events (properties.url)"),
        (#"{"name": "x", "eventType": "click", "window": "ten", "warning": 3, "critical": 5}"#,
         "rule \"x\": window must be a duration such as"),
        (#"{"name": "x", "eventType": "click", "window": "10s", "slide": "3s", "warning": 3, "critical": 5}"#,
         "rule \"x\": slide must be positive, at most the window and divide it evenly"),
        (#"{"name": "x", "eventType": "click", "window": "10s", "warning": 5, "critical": 5}"#,
         "rule \"x\": critical must be greater than warning (5)"),
        (#"{"name": "x", "eventType": "click", "window": "10s", "direction": "below", "warning": 1, "critical": 3}"#,
         "rule \"x\": critical must be less than warning (1)"),
        (#"{"name": "x", "eventType": "click", "window": "10s", "warning": 4, "critical": 8, "resolveAt": 4}"#,
         "rule \"x\": resolveAt must be less than warning (4)"),
        (#"{"name": "x", "eventType": "click", "window": "10s", "critical": 8}"#, "rule \"x\": warning is required"),
        (#"{"name": "Bad Name", "eventType": "click", "window": "10s", "warning": 1, "critical": 2}"#,
         "rule \"Bad Name\": name must be 1-64 characters"),
        (#"{"eventType": "click"}"#, "rule #1: name is required"),
        (#"{"name": "x", "eventType": "pageload", "where": {"deviceType": []}, "window": "10s", "warning": 1, "critical": 2}"#,
         "rule \"x\": where.deviceType must be a string or a non-empty array of strings"),
        (#"{"name": "x", "eventType": "click", "window": "2h", "warning": 1, "critical": 2}"#, "rule \"x\": window must be between 1s and 1h"),
    ])
    func badRulesAreRefusedPrecisely(json: String, message: String) {
        #expect {
            try RuleParser.parse("[\(json)]")
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func duplicateNamesAndNonArraysAreRefused() {
        let rule = #"{"name": "x", "eventType": "click", "window": "10s", "warning": 1, "critical": 2}"#
        #expect(throws: RuleError(rule: "\"x\"", field: "name", reason: "is used by an earlier rule; names must be unique")) {
            try RuleParser.parse("[\(rule), \(rule)]")
        }
        #expect { try RuleParser.parse(rule) } throws: { "\($0)".hasPrefix("rule list: must be a JSON array") }
    }

    @Test func configurationNamesTheVariableAndExits78Material() {
        let base = ["KAFKA_URL": "127.0.0.1:9092"]
        #expect(throws: ConfigError.self) {
            try AlertsConfiguration.fromEnvironment(ConfigVars(base.merging(["ALERT_RULES": "[{}]"]) { $1 }))
        }
        do {
            _ = try AlertsConfiguration.fromEnvironment(
                ConfigVars(base.merging(["ALERT_RULES": #"[{"name": "a", "eventType": "click", "window": "0s", "warning": 1, "critical": 2}]"#]) { $1 }))
            Issue.record("a zero window was accepted")
        } catch {
            #expect(error.variable == "ALERT_RULES")
            #expect(error.description.contains("rule \"a\": window must be between 1s and 1h"), "\(error)")
        }
        #expect(throws: ConfigError.invalid(variable: "ALERT_RULES_FILE", reason: "set either ALERT_RULES or ALERT_RULES_FILE, not both")) {
            try AlertsConfiguration.fromEnvironment(ConfigVars(base.merging(["ALERT_RULES": "[]", "ALERT_RULES_FILE": "/x"]) { $1 }))
        }
    }

    @Test func configurationUsesPrefixedGroupAndOnlyInputTopics() throws {
        let configuration = try AlertsConfiguration.fromEnvironment(
            ConfigVars(["KAFKA_URL": "127.0.0.1:9092", "KAFKA_PREFIX": "tenant."]))
        #expect(configuration.groupID == "tenant.edm-alerts")
        #expect(Set(configuration.inputTopics) == ["tenant.edm-ui-click", "tenant.edm-ui-pageload"])
        #expect(configuration.rebuildSpan == .milliseconds(75_000))
    }

    @Test func conditionsAndKeysReadEnvelopeAndPropertyFields() throws {
        let rule = Fixtures.rule(
            #"{"name": "bots", "eventType": "pageload", "where": {"deviceType": ["bot"]}, "key": "properties.deviceType", "window": "1m", "warning": 1, "critical": 2}"#)
        let bot = Fixtures.pageLoad(session: "s", userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)", at: Fixtures.base)
        let human = Fixtures.pageLoad(session: "s", at: Fixtures.base)
        #expect(rule.key(of: bot) == "bot")
        #expect(rule.key(of: human) == nil)
        #expect(rule.key(of: Fixtures.click(session: "s", at: Fixtures.base)) == nil)
    }
}
