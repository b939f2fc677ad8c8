import ArgumentParser
import AsyncHTTPClient
import EDMCore
import Foundation
import Logging
import ServiceLifecycle

/// `traffic-sim`: realistic storefront traffic against any relay, for `make run`, demos and
/// load tests.
public struct TrafficCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "traffic-sim",
        abstract: "Post realistic storefront traffic (page views and clicks) to a relay over HTTP.",
        discussion: """
            Visitors land on the home page, view products (popular ones more often), press \
            their buttons and sometimes go to the cart; several visits run at once and the rate \
            swells and ebbs in waves with a short burst in each. A share of visitors use the \
            reference storefront's legacy routes and payload. v1 events carry their own id and \
            are retried on 503/429 (stats counts a retried id once); legacy events are not retried.

            --anomalies (TRAFFIC_ANOMALIES=true) adds a three-minute cycle on top: one session \
            clicking ten times a second for 5 s, a 15 s wave of crawler page loads, and 75 s of \
            silence, which the alerts service's default rules report and then resolve.

            --signup-share (TRAFFIC_SIGNUP_SHARE) lets that share of visitors who reach the \
            cart create an account: a `signup` event, a type registered at runtime. The \
            simulator registers it first with RELAY_ADMIN_KEY (one of the relay's \
            ADMIN_API_KEYS), or without one checks that the relay knows it.

            Options win over config vars.

            \(TrafficCommand.variables.helpSection)

            Logs progress (logfmt) to stderr; prints one JSON summary line to stdout at the end \
            (generated, accepted per type, refused per status, failed, retries). Stops after \
            --count events or --duration seconds, or on SIGINT/SIGTERM (waiting for requests in \
            flight). Exits 0 when every event was accepted, 1 when some were refused or failed, \
            78 on a configuration error.
            """)

    @Option(help: "Base URL of the relay (RELAY_URL).")
    var relayURL: String?

    @Option(help: "Mean events per second (TRAFFIC_RATE).")
    var rate: Double?

    @Option(help: "How much the rate swings, 0...1 (TRAFFIC_VARIATION).")
    var variation: Double?

    @Option(help: "Seconds per wave of the rate (TRAFFIC_PERIOD_SECONDS).")
    var period: Double?

    @Option(help: "Visits in progress at once (TRAFFIC_SESSIONS).")
    var sessions: Int?

    @Option(help: "Share of visitors posting the legacy payload, 0...1 (TRAFFIC_LEGACY_SHARE).")
    var legacyShare: Double?

    @Option(help: "Seed for a repeatable run (TRAFFIC_SEED).")
    var seed: UInt64?

    @Option(help: "Stop after this many events.")
    var count: Int?

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Option(help: "Most requests waiting for the relay at once.")
    var maxInFlight: Int = 64

    @Option(help: "Seconds between progress log lines.")
    var reportInterval: Double = 10

    @Option(help: "Share of visitors reaching the cart who sign up, 0...1 (TRAFFIC_SIGNUP_SHARE).")
    var signupShare: Double?

    @Flag(help: "Only make sure the relay knows the signup type (registering it with RELAY_ADMIN_KEY), then exit.")
    var registerOnly = false

    @Flag(help: "Add bursts, a bot wave and a silent minute for the alert rules (TRAFFIC_ANOMALIES).")
    var anomalies = false

    /// The config vars, for `--help` (next to the reader so they cannot drift apart).
    public static let variables: [ConfigVariable] = [
        ConfigVariable("RELAY_URL", default: "http://localhost:5001", "Base URL of the relay."),
        ConfigVariable("RELAY_API_KEY", "Bearer key for the relay."),
        ConfigVariable("RELAY_ADMIN_KEY", "Admin key for the relay: registers the signup type when signups are on."),
        ConfigVariable("TRAFFIC_RATE", default: "20", "Mean events per second."),
        ConfigVariable("TRAFFIC_VARIATION", default: "0.5", "0...1, how much the rate swings."),
        ConfigVariable("TRAFFIC_PERIOD_SECONDS", default: "60", "Length of one wave."),
        ConfigVariable("TRAFFIC_SESSIONS", default: "12", "Visits in progress at once."),
        ConfigVariable("TRAFFIC_LEGACY_SHARE", default: "0.2", "0...1, share of legacy visitors."),
        ConfigVariable("TRAFFIC_SEED", default: "random", "Seed for a repeatable run."),
        ConfigVariable("TRAFFIC_ANOMALIES", default: "false", "true adds the anomaly cycle (bursts, bot wave, silence)."),
        ConfigVariable("TRAFFIC_SIGNUP_SHARE", default: "0", "0...1, share of visitors reaching the cart who sign up."),
        StandardConfigVariables.logLevel,
    ]

    public init() {}

    public func run() async throws {
        let settings = try CommandStartup.load("traffic-sim", makeSettings)
        let logger = Logger(label: "traffic-sim")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        if settings.signupShare > 0 || registerOnly {
            do {
                try await TypeRegistrar(client: client, relayURL: settings.relayURL, adminKey: settings.adminKey).ensureSignupRegistered()
            } catch {
                logger.error("\(error)")
                try? await client.shutdown()
                throw ExitCode(1)
            }
            if registerOnly {
                try? await client.shutdown()
                logger.info("the relay knows the signup type")
                return
            }
        }
        let runner = TrafficRunner(
            settings: settings, poster: RelayPoster(client: client, relayURL: settings.relayURL, apiKey: settings.apiKey),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        var runError: (any Error)?
        do { try await group.run() } catch { runError = error }
        try? await client.shutdown()
        if let runError { throw runError }
        let summary = runner.tally.snapshot
        print(summary.summaryJSON)
        if summary.acceptedTotal != summary.generated { throw ExitCode(1) }
    }

    func makeSettings(_ environment: ConfigVars) throws(ConfigError) -> TrafficSettings {
        let relayURL = relayURL ?? environment["RELAY_URL"] ?? "http://localhost:5001"
        guard let scheme = URL(string: relayURL)?.scheme, scheme == "http" || scheme == "https" else {
            throw .invalid(variable: "RELAY_URL", reason: "expected an http(s) URL, got \(relayURL.debugDescription)")
        }
        let rate = try option(rate) { () throws(ConfigError) in try environment.double("TRAFFIC_RATE", default: 20) }
        guard rate > 0 else { throw .invalid(variable: "TRAFFIC_RATE", reason: "must be above 0") }
        let variation = try option(variation) { () throws(ConfigError) in try environment.double("TRAFFIC_VARIATION", default: 0.5) }
        guard (0...1).contains(variation) else { throw .invalid(variable: "TRAFFIC_VARIATION", reason: "must be in 0...1") }
        let period = try option(period) { () throws(ConfigError) in try environment.double("TRAFFIC_PERIOD_SECONDS", default: 60) }
        guard period >= 1 else { throw .invalid(variable: "TRAFFIC_PERIOD_SECONDS", reason: "must be at least 1") }
        let sessions = try option(sessions) { () throws(ConfigError) in try environment.integer("TRAFFIC_SESSIONS", default: 12, range: 1...100_000) }
        guard sessions >= 1 else { throw .invalid(variable: "TRAFFIC_SESSIONS", reason: "must be at least 1") }
        let legacyShare = try option(legacyShare) { () throws(ConfigError) in try environment.double("TRAFFIC_LEGACY_SHARE", default: 0.2) }
        guard (0...1).contains(legacyShare) else {
            throw .invalid(variable: "TRAFFIC_LEGACY_SHARE", reason: "must be in 0...1")
        }
        let signupShare = try option(signupShare) { () throws(ConfigError) in try environment.double("TRAFFIC_SIGNUP_SHARE", default: 0) }
        guard (0...1).contains(signupShare) else {
            throw .invalid(variable: "TRAFFIC_SIGNUP_SHARE", reason: "must be in 0...1")
        }
        let seed = try option(seed) { () throws(ConfigError) in try environment.unsigned("TRAFFIC_SEED") ?? UInt64.random(in: 0...UInt64.max) }
        if let count, count < 1 { throw .invalid(variable: "--count", reason: "must be at least 1") }
        if let duration, duration <= 0 { throw .invalid(variable: "--duration", reason: "must be above 0") }
        guard maxInFlight >= 1 else { throw .invalid(variable: "--max-in-flight", reason: "must be at least 1") }
        return TrafficSettings(
            relayURL: relayURL, apiKey: environment["RELAY_API_KEY"],
            plan: RatePlan(baseRate: rate, variation: variation, periodSeconds: period),
            concurrentSessions: sessions, legacyShare: legacyShare, seed: seed, maxEvents: count,
            durationSeconds: duration, maxInFlight: maxInFlight, reportIntervalSeconds: max(reportInterval, 0.5),
            anomalies: anomalies ? true : try environment.boolean("TRAFFIC_ANOMALIES", default: false),
            signupShare: signupShare, adminKey: environment["RELAY_ADMIN_KEY"])
    }
}

/// An option when given, else its config var (`??` cannot carry a typed throw).
private func option<Value>(_ value: Value?, else fallback: () throws(ConfigError) -> Value) throws(ConfigError) -> Value {
    if let value { return value }
    return try fallback()
}

extension ConfigVars {
    fileprivate func double(_ name: String, default defaultValue: Double) throws(ConfigError) -> Double {
        guard let raw = self[name] else { return defaultValue }
        guard let value = Double(raw.trimmingWhitespace), value.isFinite else {
            throw .invalid(variable: name, reason: "expected a number, got \(raw.debugDescription)")
        }
        return value
    }

    fileprivate func unsigned(_ name: String) throws(ConfigError) -> UInt64? {
        guard let raw = self[name] else { return nil }
        guard let value = UInt64(raw.trimmingWhitespace) else {
            throw .invalid(variable: name, reason: "expected a non-negative integer, got \(raw.debugDescription)")
        }
        return value
    }
}
