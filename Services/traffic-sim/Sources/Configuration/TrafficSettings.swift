/// Everything a traffic run needs, from options or config vars (see `traffic-sim --help`).
public struct TrafficSettings: Sendable, Equatable {
    public var relayURL: String
    public var apiKey: String?
    public var plan: RatePlan
    public var concurrentSessions: Int
    /// Share of visitors whose storefront posts the reference's legacy payload.
    public var legacyShare: Double
    public var seed: UInt64
    /// Stop after this many events (nil: no limit).
    public var maxEvents: Int?
    /// Stop after this many seconds (nil: until SIGINT/SIGTERM).
    public var durationSeconds: Double?
    /// Most requests waiting for the relay at once.
    public var maxInFlight: Int
    /// Seconds between progress log lines.
    public var reportIntervalSeconds: Double
    /// Adds the anomaly cycle (``AnomalyPlan``) to the normal traffic.
    public var anomalies: Bool
    /// Chance that a (non-legacy) visitor reaching the cart signs up: a registered type.
    public var signupShare: Double
    /// Registers the signup type when signups are on (one of the relay's ADMIN_API_KEYS).
    public var adminKey: String?

    public init(
        relayURL: String, apiKey: String? = nil, plan: RatePlan, concurrentSessions: Int = 12,
        legacyShare: Double = 0.2, seed: UInt64, maxEvents: Int? = nil, durationSeconds: Double? = nil,
        maxInFlight: Int = 64, reportIntervalSeconds: Double = 10, anomalies: Bool = false,
        signupShare: Double = 0, adminKey: String? = nil
    ) {
        self.anomalies = anomalies
        self.signupShare = signupShare
        self.adminKey = adminKey
        self.relayURL = relayURL
        self.apiKey = apiKey
        self.plan = plan
        self.concurrentSessions = concurrentSessions
        self.legacyShare = legacyShare
        self.seed = seed
        self.maxEvents = maxEvents
        self.durationSeconds = durationSeconds
        self.maxInFlight = maxInFlight
        self.reportIntervalSeconds = reportIntervalSeconds
    }
}
