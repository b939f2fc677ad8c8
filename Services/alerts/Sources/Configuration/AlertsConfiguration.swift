import EDMCore
import EDMEvents
import EDMHTTP
import EDMKafka
import Foundation

/// Everything the alerts service reads from its config vars, typed and checked once at
/// start-up: a bad variable, or a bad rule, stops the process naming it (exit 78).
public struct AlertsConfiguration: Sendable {
    public var listen: ListenAddress
    public var kafka: KafkaConnection
    /// Registry `.all`: the alerts topic is one of the names.
    public var names: KafkaNames
    public var rules: [AlertRule]
    /// The consumer group before KAFKA_PREFIX.
    public var consumerGroup: ConsumerGroup = .alerts
    /// How far the watermark trails the wall clock once the stream is live and quiet.
    public var liveDelay: Duration = .seconds(1)
    /// How far back `edm-alerts` is read on start to restore alerting keys.
    public var historySpan: Duration = .seconds(24 * 3600)
    /// librdkafka `fetch.wait.max.ms` (the mock broker waits this long on empty partitions).
    public var fetchWait: Duration = .milliseconds(100)
    public var sessionTimeout: Duration = .seconds(10)
    public var instanceID: String = "alerts"
    public var timePolicy: EventTimePolicy = .standard
    /// Where alerts are POSTed too; nil: no webhook.
    public var webhook: WebhookSettings?

    public init(listen: ListenAddress, kafka: KafkaConnection, names: KafkaNames, rules: [AlertRule]) {
        self.listen = listen
        self.kafka = kafka
        self.names = names
        self.rules = rules
    }

    /// The topics the rules count (the alerts topic itself never: an alert is not an input).
    public var inputTopics: [String] {
        var topics: [String] = []
        for rule in rules {
            guard let kind = EventRegistry.standard.kind(named: rule.eventType) else { continue }
            let topic = names.topic(for: kind)
            if !topics.contains(topic) { topics.append(topic) }
        }
        return topics
    }

    /// What is re-read from the input topics on every assignment: the longest window plus its
    /// grace and one slide, so every window still open is rebuilt complete.
    public var rebuildSpan: Duration {
        let longest = rules.map { $0.windowMilliseconds + $0.graceMilliseconds + $0.slideMilliseconds }.max() ?? 0
        return .milliseconds(longest)
    }

    public var groupID: String { names.consumerGroup(consumerGroup) }

    /// Reads the variables listed in ``variables``; every error names its variable.
    public static func fromEnvironment(_ environment: ConfigVars) throws(ConfigError) -> AlertsConfiguration {
        let kafka = try KafkaConnection.fromEnvironment(environment)
        let names: KafkaNames
        do {
            names = try KafkaNames(prefix: kafka.prefix, registry: .all)
        } catch {
            throw .invalid(variable: "KAFKA_PREFIX", reason: error.description)
        }
        var configuration = AlertsConfiguration(
            listen: try ListenAddress.fromEnvironment(environment, defaultPort: 5004), kafka: kafka, names: names,
            rules: try rules(environment))
        if let group = environment["ALERT_CONSUMER_GROUP"] {
            configuration.consumerGroup = ConsumerGroup(rawValue: group.trimmingWhitespace)
        }
        configuration.liveDelay = .milliseconds(
            try environment.integer("ALERT_LIVE_DELAY_MS", default: 1000, range: 0...600_000))
        configuration.historySpan = .seconds(
            try environment.integer("ALERT_HISTORY_SECONDS", default: 86_400, range: 60...30 * 86_400))
        configuration.fetchWait = .milliseconds(try environment.integer("ALERT_FETCH_WAIT_MS", default: 100, range: 1...10_000))
        configuration.sessionTimeout = .seconds(
            try environment.integer("ALERT_SESSION_TIMEOUT_SECONDS", default: 10, range: 3...300))
        configuration.webhook = try WebhookSettings.fromEnvironment(environment)
        configuration.instanceID = environment["ALERT_INSTANCE_ID"] ?? environment["DYNO"] ?? environment["HOSTNAME"] ?? "alerts"
        return configuration
    }

    /// `ALERT_RULES` (JSON) or `ALERT_RULES_FILE` (a path to the same JSON); the defaults
    /// (``DefaultRules``) when neither is set.
    static func rules(_ environment: ConfigVars) throws(ConfigError) -> [AlertRule] {
        let variable: String
        let text: String
        switch (environment["ALERT_RULES"], environment["ALERT_RULES_FILE"]) {
        case (.some, .some):
            throw .invalid(variable: "ALERT_RULES_FILE", reason: "set either ALERT_RULES or ALERT_RULES_FILE, not both")
        case (.some(let json), nil):
            variable = "ALERT_RULES"
            text = json
        case (nil, .some(let path)):
            variable = "ALERT_RULES_FILE"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .invalid(variable: variable, reason: "cannot read \(path)")
            }
            text = String(decoding: data, as: UTF8.self)
        case (nil, nil):
            variable = "ALERT_RULES"
            text = DefaultRules.json
        }
        let rules: [AlertRule]
        do {
            rules = try RuleParser.parse(text)
        } catch {
            throw .invalid(variable: variable, reason: error.description)
        }
        guard !rules.isEmpty else { throw .invalid(variable: variable, reason: "holds no rule") }
        return rules
    }

    /// The config vars, for `--help` (kept next to the reader so the two cannot drift apart).
    public static let variables: [ConfigVariable] =
        StandardConfigVariables.listen(defaultPort: 5004) + StandardConfigVariables.kafka + [
            ConfigVariable(
                "ALERT_RULES", default: "the storefront rules in Services/alerts/README.md",
                "JSON array of rules: name, eventType, where, key, window, slide, grace, direction, warning, critical, resolveAt."),
            ConfigVariable("ALERT_RULES_FILE", "Path of a file holding the ALERT_RULES JSON (instead of ALERT_RULES)."),
            ConfigVariable("ALERT_CONSUMER_GROUP", default: "edm-alerts", "Consumer group, before KAFKA_PREFIX."),
            ConfigVariable("ALERT_LIVE_DELAY_MS", default: "1000", "Watermark lag behind the clock when traffic is quiet."),
            ConfigVariable("ALERT_HISTORY_SECONDS", default: "86400", "How far back edm-alerts is read on start to restore alert state."),
            ConfigVariable("ALERT_FETCH_WAIT_MS", default: "100", "Consumer fetch.wait.max.ms (lower it on the mock broker)."),
            ConfigVariable("ALERT_SESSION_TIMEOUT_SECONDS", default: "10", "Consumer group session timeout."),
            ConfigVariable("ALERT_INSTANCE_ID", default: "DYNO, then HOSTNAME", "Name of this instance in logs."),
        ] + WebhookSettings.variables + [StandardConfigVariables.logLevel]
}
